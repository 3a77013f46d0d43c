"""A typed httpx client for Huawei Cloud IAM, Message & SMS (MSGSMS) and SMSApi.

```python
from providers.client import Settings, SmsClient, paginate
from providers.client.models import AppAddRequest, TemplateQuery

settings = Settings.from_config({"region": "cn-north-4", "accessKey": ..., "secretKey": ...})
with SmsClient(settings) as client:
    app = client.create_app(AppAddRequest(app_name="shop-notify", region="cn"))
    for template in paginate(client.list_template_details, TemplateQuery(app_name="shop")):
        print(template.template_name, template.flow_status)
```
"""

from . import models
from .auth import AkSkAuth, IamTokenAuth, TokenSource, WsseAuth
from .base import DEFAULT_TIMEOUT
from .cache import PROCESS_CACHE, RenewingCache
from .client import SmsClient
from .errors import (
    ApiError,
    AuthError,
    ClientError,
    ConfigurationError,
    ConflictError,
    InvalidResponseError,
    NotFoundError,
    ServerError,
    ThrottledError,
    TransportError,
)
from .pagination import MAX_PAGE_SIZE, paginate
from .regions import REGIONS, Endpoints
from .retry import NO_RETRY, RetryPolicy
from .send import SendScheme
from .settings import CONFIG_KEYS, NAMESPACE, EndpointOverrides, Settings, env_name, stack_setting

__all__ = [
    "CONFIG_KEYS",
    "DEFAULT_TIMEOUT",
    "MAX_PAGE_SIZE",
    "NAMESPACE",
    "NO_RETRY",
    "PROCESS_CACHE",
    "REGIONS",
    "AkSkAuth",
    "ApiError",
    "AuthError",
    "ClientError",
    "ConfigurationError",
    "ConflictError",
    "EndpointOverrides",
    "Endpoints",
    "IamTokenAuth",
    "InvalidResponseError",
    "NotFoundError",
    "RenewingCache",
    "RetryPolicy",
    "SendScheme",
    "ServerError",
    "Settings",
    "SmsClient",
    "ThrottledError",
    "TokenSource",
    "TransportError",
    "WsseAuth",
    "env_name",
    "models",
    "paginate",
    "stack_setting",
]
