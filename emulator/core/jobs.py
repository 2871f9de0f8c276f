"""Asynchronous jobs (ALB ``JobId`` + ``ListAsynJobs``; usable for any operation that "finishes later").

A job is a resource of kind ``core.job`` that stays ``Processing`` for a delay, then runs an optional follow-up
event and becomes ``Succeeded`` (or ``Failed`` with the follow-up's error code and message).
"""

from emulator.core import ids
from emulator.core.errors import ApiError

KIND = 'core.job'


def start(ctx, api_name, resource_type, resource_id, delay, operate_type='', then=None, **then_args):
    """Create a Processing job and return its id; after ``delay`` seconds run event ``then(**then_args)``."""
    job_id = ids.lower_uuid()
    millis = ids.epoch_millis(ctx.now)
    ctx.add(KIND, job_id, {
        'Id': job_id, 'ApiName': api_name, 'ResourceType': resource_type, 'ResourceId': resource_id,
        'OperateType': operate_type, 'Status': 'Processing', 'CreateTime': millis, 'ModifyTime': millis,
        'ErrorCode': '', 'ErrorMessage': '',
    }, visible_now=True)
    ctx.schedule(delay, 'core.finish_job', job_id=job_id, then=then, then_args=then_args)
    return job_id


def finish(ctx, job_id, then=None, then_args=None):
    job = ctx.get(KIND, job_id)
    if job is None or job['Status'] != 'Processing':
        return
    try:
        if then:
            ctx.run_event(then, then_args or {})
        job['Status'] = 'Succeeded'
    except ApiError as error:
        job.update(Status='Failed', ErrorCode=error.code, ErrorMessage=error.message)
    job['ModifyTime'] = ids.epoch_millis(ctx.now)


def query(ctx, job_ids=(), resource_ids=(), resource_type=None, api_name=None):
    """The region's jobs matching every given filter, oldest first."""
    def wanted(job):
        return ((not job_ids or job['Id'] in job_ids)
                and (not resource_ids or job['ResourceId'] in resource_ids)
                and (not resource_type or job['ResourceType'].lower() == resource_type.lower())
                and (not api_name or job['ApiName'] == api_name))
    return [job for job in ctx.list(KIND) if wanted(job)]
