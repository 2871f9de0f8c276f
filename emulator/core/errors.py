"""The error every layer raises: the API's Code, Message and HTTP status, sent as the real cloud sends it."""


class ApiError(Exception):
    """An API error response. ``headers`` adds response headers (e.g. ``x-acs-retry-after`` when throttling)."""

    def __init__(self, code, message, status=400, headers=None):
        super().__init__('%s: %s' % (code, message))
        self.code = code
        self.message = message
        self.status = status
        self.headers = dict(headers or {})


# Gateway-level errors, common to every product (Alibaba Cloud OpenAPI common error codes).

def missing(name):
    return ApiError('Missing' + name, '%s is mandatory for this action.' % name)


def invalid(name, detail=None):
    message = 'Specified parameter %s is not valid.' % name
    return ApiError('Invalid' + name if '.' not in name else 'InvalidParameter',
                    message + (' ' + detail if detail else ''))


def invalid_parameter(message):
    return ApiError('InvalidParameter', message)


def not_found(code, message):
    return ApiError(code, message, 404)


def dependency(code, message='Specified object has dependent resources.'):
    return ApiError(code, message)


def incorrect_status(code, message):
    return ApiError(code, message)


def throttled(retry_after_ms=None):
    headers = {'x-acs-retry-after': str(int(retry_after_ms))} if retry_after_ms else {}
    return ApiError('Throttling.User', 'Request was denied due to user flow control.', 400, headers)


def service_unavailable():
    return ApiError('ServiceUnavailable', 'The request has failed due to a temporary failure of the server.', 503)


def internal_error():
    return ApiError('InternalError', 'The request processing has failed due to some unknown error, exception or failure.',
                    500)


def dry_run_passed():
    return ApiError('DryRunOperation', 'Request validation has been passed with DryRun flag set.')
