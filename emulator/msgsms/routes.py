"""HTTP shaping of the 21 management operations (reference §1.2), on each region's port."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Path, Query, Request, Response, UploadFile
from starlette.concurrency import run_in_threadpool

from ..gateway.errors import GatewayError
from ..iam.identity import Project
from ..state import StateDep
from .apps import AppFilters
from .backend import MsgsmsBackend
from .base import Listing, TimeRange
from .models import (
    AppCount,
    AppList,
    AppScope,
    BatchDeleteResult,
    CreateAppResult,
    CreateSignatureResult,
    CreateTemplateResult,
    SignatureFile,
    SignatureList,
    SignatureType,
    SmsAppAddReq,
    SmsAppQueryResp,
    SmsAppUpdateReq,
    SmsCountryResp,
    SmsSignatureReq,
    SmsSignatureResp,
    SmsTemplateReq,
    SmsTemplateResp,
    TemplateBatchDeleteReq,
    TemplateList,
    TemplateType,
    UpdateAppResult,
    UploadResult,
    VariableList,
)
from .review import SIGNATURE_STATUSES
from .signatures import SignatureFilters
from .templates import TemplateFilters

__all__ = ["router"]

router = APIRouter(prefix="/v2/{project_id}/msgsms", tags=["msgsms"])


ProjectId = Annotated[str, Path(pattern=r"^[a-fA-F0-9]{1,32}$")]


def current_project(request: Request, state: StateDep, project_id: ProjectId) -> Project:
    """The region's project; the gateway has checked the caller may use it."""
    project = state.account.projects[request.state.region]
    if project_id != project.id:
        raise GatewayError.unauthorized(f"project {project_id} is not a project of this region")
    return project


def backend(state: StateDep) -> MsgsmsBackend:
    return state.msgsms


ProjectDep = Annotated[Project, Depends(current_project)]
BackendDep = Annotated[MsgsmsBackend, Depends(backend)]
Limit = Annotated[int, Query(ge=1, le=500, description="page size, 1-500")]
Offset = Annotated[int, Query(ge=0, le=2**31 - 1)]
SortDir = Annotated[Literal["asc", "desc"], Query()]
SortKey = Annotated[str, Query(min_length=1, max_length=64)]
TimeText = Annotated[str | None, Query(min_length=1, max_length=20)]
AppName = Annotated[str | None, Query(min_length=1, max_length=64)]
Name = Annotated[str | None, Query(min_length=1, max_length=128)]
SignatureName = Annotated[str | None, Query(min_length=1, max_length=32)]
AppKey = Annotated[str | None, Query(min_length=1, max_length=128)]
Id = Annotated[str | None, Query(min_length=1, max_length=64)]
#: The id of an object in the path (reference §1.2: 1-64 characters).
ObjectId = Annotated[str, Path(min_length=1, max_length=64)]
FlowStatus = Literal[
    "Pending", "Reviewing", "Adopted", "Reject", "Disable", "Adopted_inactive", "SignReviewing"
]
AppStatus = Literal["CREATED", "SUSPENDED", "LAUNCHED", "PROCESSING"]
SignatureStatus = Literal[SIGNATURE_STATUSES]  # type: ignore[valid-type]


def listing(
    limit: Limit = 10,
    offset: Offset = 0,
    sort_dir: SortDir = "desc",
    sort_key: SortKey = "create_time",
) -> Listing:
    """Paging and sorting, common to the three listings."""
    return Listing(limit=limit, offset=offset, sort_dir=sort_dir, sort_key=sort_key)


def time_range(start_time: TimeText = None, end_time: TimeText = None) -> TimeRange:
    return TimeRange(start_time, end_time)


ListingDep = Annotated[Listing, Depends(listing)]
TimesDep = Annotated[TimeRange, Depends(time_range)]


def _page(results: list[dict[str, Any]], total: int) -> dict[str, Any]:
    return {"results": results, "total": total}


# ---- apps -------------------------------------------------------------------------------------


@router.post("/apps", response_model=CreateAppResult, response_model_exclude_none=True)
def create_app(project: ProjectDep, body: SmsAppAddReq, msgsms: BackendDep) -> dict[str, Any]:
    """CreateApp. ``app_secret`` is in the answer only with ``show_secret: true``."""
    return msgsms.apps.create(project, body)


@router.get("/apps", response_model=AppList)
def list_app_details(
    project: ProjectDep,
    msgsms: BackendDep,
    page: ListingDep,
    times: TimesDep,
    app_name: AppName = None,
    region: Annotated[AppScope | None, Query()] = None,
    status: Annotated[AppStatus | None, Query()] = None,
) -> dict[str, Any]:
    filters = AppFilters(app_name, region, status, times)
    return _page(*msgsms.apps.page(project, filters, page))


@router.get("/apps/{id}", response_model=SmsAppQueryResp)
def show_app(project: ProjectDep, msgsms: BackendDep, id: ObjectId) -> dict[str, Any]:
    return msgsms.apps.show(project, id)


@router.put("/apps/{id}", response_model=UpdateAppResult)
def update_app(
    project: ProjectDep, msgsms: BackendDep, id: ObjectId, body: SmsAppUpdateReq
) -> dict[str, Any]:
    return msgsms.apps.update(project, id, body)


@router.get("/apps-count", response_model=AppCount)
def show_app_count(
    project: ProjectDep, msgsms: BackendDep, region: Annotated[AppScope, Query()]
) -> dict[str, int]:
    """The app quota of this region (``total``) and how much of it is used, per scope."""
    return msgsms.apps.count(project, region)


# ---- signatures -------------------------------------------------------------------------------


@router.post("/signatures", response_model=CreateSignatureResult)
def create_signature(
    project: ProjectDep, msgsms: BackendDep, body: SmsSignatureReq
) -> dict[str, Any]:
    return msgsms.signatures.create(project, body)


@router.get("/signatures", response_model=SignatureList)
def list_signature_details(
    project: ProjectDep,
    msgsms: BackendDep,
    page: ListingDep,
    times: TimesDep,
    app_name: AppName = None,
    signature_id: Id = None,
    signature_name: SignatureName = None,
    signature_type: Annotated[SignatureType | None, Query()] = None,
    site: Annotated[str | None, Query(min_length=1, max_length=16)] = None,
    status: Annotated[SignatureStatus | None, Query()] = None,
) -> dict[str, Any]:
    filters = SignatureFilters(
        app_name, signature_id, signature_name, signature_type, site, status, times
    )
    return _page(*msgsms.signatures.page(project, filters, page))


@router.get("/signatures/{id}", response_model=SmsSignatureResp)
def show_signature(project: ProjectDep, msgsms: BackendDep, id: ObjectId) -> dict[str, Any]:
    return msgsms.signatures.show(project, id)


@router.put("/signatures/{id}", response_model=CreateSignatureResult)
def update_signature(
    project: ProjectDep, msgsms: BackendDep, id: ObjectId, body: SmsSignatureReq
) -> dict[str, Any]:
    """UpdateSignature: only while rejected (else MSGSMS.0007); resubmits for review."""
    return msgsms.signatures.update(project, id, body)


@router.delete("/signatures/{id}", status_code=204)
def delete_signature(project: ProjectDep, msgsms: BackendDep, id: ObjectId) -> Response:
    msgsms.signatures.delete(project, id)
    return Response(status_code=204)


@router.put("/signatures/{id}/active", response_class=Response)
def enable_signature(project: ProjectDep, msgsms: BackendDep, id: ObjectId) -> Response:
    """EnableSignature: a TO_BE_ACTIVATED signature applies for activation."""
    msgsms.signatures.activate(project, id)
    return Response(status_code=200)


# ---- signature files --------------------------------------------------------------------------


@router.post("/upload-files", response_model=UploadResult)
async def upload_signature_file(
    project: ProjectDep,
    msgsms: BackendDep,
    file: Annotated[UploadFile, File(description="jpg, jpeg, png, gif or pdf; at most 2 MB")],
    file_desc: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
) -> dict[str, str]:
    content = await file.read()
    return await run_in_threadpool(
        msgsms.files.upload, project, file.filename or "", content, file.content_type, file_desc
    )


@router.get("/upload-files", response_model=SignatureFile)
def show_signature_file(
    project: ProjectDep,
    msgsms: BackendDep,
    file_id: Annotated[str, Query(min_length=1, max_length=64)],
) -> dict[str, Any]:
    return msgsms.files.show(project, file_id)


# ---- templates --------------------------------------------------------------------------------


@router.post("/templates", response_model=CreateTemplateResult)
def create_template(
    project: ProjectDep, msgsms: BackendDep, body: SmsTemplateReq
) -> dict[str, Any]:
    return msgsms.templates.create(project, body)


@router.get("/templates", response_model=TemplateList)
def list_template_details(
    project: ProjectDep,
    msgsms: BackendDep,
    page: ListingDep,
    times: TimesDep,
    app_key: AppKey = None,
    app_name: AppName = None,
    flow_status: Annotated[FlowStatus | None, Query()] = None,
    has_variable: Annotated[Literal["Yes", "No"] | None, Query()] = None,
    region: Annotated[AppScope | None, Query()] = None,
    sign_name: Name = None,
    template_id: Id = None,
    template_name: Name = None,
    template_type: Annotated[TemplateType | None, Query()] = None,
) -> dict[str, Any]:
    filters = TemplateFilters(
        app_key,
        app_name,
        flow_status,
        has_variable,
        region,
        sign_name,
        template_id,
        template_name,
        template_type,
        times,
    )
    return _page(*msgsms.templates.page(project, filters, page))


@router.post("/templates/batch-delete", response_model=BatchDeleteResult)
def delete_templates(
    project: ProjectDep, msgsms: BackendDep, body: TemplateBatchDeleteReq
) -> dict[str, Any]:
    """DeleteTemplates: up to 50 ids; each is deleted or listed with the reason it was not."""
    return msgsms.templates.delete_many(project, body.ids)


@router.get("/templates/{id}", response_model=SmsTemplateResp)
def show_template(project: ProjectDep, msgsms: BackendDep, id: ObjectId) -> dict[str, Any]:
    return msgsms.templates.show(project, id)


@router.put("/templates/{id}", response_model=CreateTemplateResult)
def update_template(
    project: ProjectDep, msgsms: BackendDep, id: ObjectId, body: SmsTemplateReq
) -> dict[str, Any]:
    """UpdateTemplate: only while rejected (else MSGSMS.0010); resubmits for review."""
    return msgsms.templates.update(project, id, body)


@router.delete("/templates/{id}", status_code=204)
def delete_template(project: ProjectDep, msgsms: BackendDep, id: ObjectId) -> Response:
    """DeleteTemplate: refused (MSGSMS.0035) while the template is under review."""
    msgsms.templates.delete(project, id)
    return Response(status_code=204)


@router.get("/templates/{id}/varilable", response_model=VariableList)
def list_template_varilable_details(
    project: ProjectDep, msgsms: BackendDep, id: ObjectId
) -> dict[str, Any]:
    """The template's variables (the path's spelling is the real API's)."""
    return msgsms.templates.variables(project, id)


@router.get("/country", response_model=list[SmsCountryResp])
def list_send_country_details(
    project: ProjectDep,
    msgsms: BackendDep,
    country_name_en: Annotated[str | None, Query(min_length=1, max_length=255)] = None,
    country_name_zh: Annotated[str | None, Query(min_length=1, max_length=255)] = None,
) -> list[dict[str, Any]]:
    """A bare JSON array, unlike every other list."""
    return msgsms.countries(country_name_en, country_name_zh)
