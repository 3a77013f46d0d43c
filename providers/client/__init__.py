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

from typing import TYPE_CHECKING

from .lazy import exports

__all__, __getattr__, __dir__ = exports(
    __name__,
    {
        ".models": ["models"],
        ".auth": ["AkSkAuth", "IamTokenAuth", "TokenSource", "WsseAuth"],
        ".base": ["DEFAULT_TIMEOUT"],
        ".cache": ["PROCESS_CACHE", "RenewingCache"],
        ".client": ["SmsClient"],
        ".errors": [
            "ApiError",
            "AuthError",
            "ClientError",
            "ConfigurationError",
            "ConflictError",
            "InvalidResponseError",
            "NotFoundError",
            "ServerError",
            "ThrottledError",
            "TransportError",
        ],
        ".pagination": ["MAX_PAGE_SIZE", "paginate"],
        ".regions": ["REGIONS", "Endpoints"],
        ".retry": ["NO_RETRY", "RetryPolicy"],
        ".send": ["SendScheme"],
        ".settings": [
            "CONFIG_KEYS",
            "NAMESPACE",
            "EndpointOverrides",
            "Settings",
            "env_name",
            "stack_setting",
        ],
    },
)

if TYPE_CHECKING:  # what the names above are, for type checkers (imported on first use)
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
    from .settings import (
        CONFIG_KEYS,
        NAMESPACE,
        EndpointOverrides,
        Settings,
        env_name,
        stack_setting,
    )
