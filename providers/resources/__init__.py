"""The Pulumi dynamic resources of Huawei Cloud MSGSMS: apps, signature files, signatures and
templates.

```python
from providers.resources import App, Reviews, Signature, SignatureArgs, waited

app = App("shop", {"region": "cn-north-4", "app_name": "shop-notify", "scope": "cn"})
signature = Signature(
    "shop_sig",
    SignatureArgs(app_id=app.id, signature_name="云商城", signature_type="NOTIFY_TYPE",
                  signature_source=0, is_involved_third="No"),
)
reviews = Reviews("reviews", [waited("signatures/shop_sig", signature, timeout=3600)])
```

Credentials and endpoints come from the stack config (namespace ``msgsms``) or the
environment, never from resource inputs.
"""

from .app import App, AppArgs, AppProvider
from .base import MsgsmsProvider, ProviderError
from .existing import Existing, ExistingProvider
from .resource import MsgsmsResource
from .review import ReviewedProvider
from .reviews import DEFAULT_WAIT_TIMEOUT, Reviews, ReviewsProvider, waited
from .signature import Signature, SignatureArgs, SignatureProvider
from .signature_file import SignatureFile, SignatureFileArgs, SignatureFileProvider
from .template import Template, TemplateArgs, TemplateProvider

__all__ = [
    "DEFAULT_WAIT_TIMEOUT",
    "App",
    "AppArgs",
    "AppProvider",
    "Existing",
    "ExistingProvider",
    "MsgsmsProvider",
    "MsgsmsResource",
    "ProviderError",
    "ReviewedProvider",
    "Reviews",
    "ReviewsProvider",
    "Signature",
    "SignatureArgs",
    "SignatureFile",
    "SignatureFileArgs",
    "SignatureFileProvider",
    "SignatureProvider",
    "Template",
    "TemplateArgs",
    "TemplateProvider",
    "waited",
]
