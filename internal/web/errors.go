package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"syscall"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/scrutin/scrutin/internal/model"
)

// Error codes of failures of the HTTP exchange itself, besides the
// domain's (model.EINVALID, …).
const (
	codeTooMany   = "too_many_requests"
	codeTooLarge  = "too_large"
	codeTimeout   = "timeout"
	codeNoMethod  = "method_not_allowed"
	codeNoContent = "unsupported_media_type"
)

// errorBody is the body of every error response:
// {"error": {"code", "message", "problems"?, "request_id"}}.
type errorBody struct {
	status int
	Detail errorDetail `json:"error"`
}

type errorDetail struct {
	Code      string    `json:"code" enum:"invalid,not_found,conflict,unauthorized,forbidden,internal,insufficient_storage,too_many_requests,too_large,timeout,method_not_allowed,unsupported_media_type" doc:"What kind of error it is"`
	Message   string    `json:"message" doc:"What went wrong, for people"`
	Problems  []Problem `json:"problems,omitempty" doc:"Each problem of an invalid model or request body"`
	RequestID string    `json:"request_id,omitempty" doc:"The request's id, as in the server's log and the X-Request-Id header"`
}

// Problem is one thing wrong with a model (file, line and column as the
// command line gives them) or with a request (path only).
type Problem struct {
	File    string `json:"file,omitempty"`
	Line    int    `json:"line,omitempty"`
	Column  int    `json:"column,omitempty"`
	Path    string `json:"path,omitempty" doc:"Where the value is: a path in the model, or body.field, query.name, path.name for a request"`
	Message string `json:"message"`
}

func (e *errorBody) Error() string  { return e.Detail.Message }
func (e *errorBody) GetStatus() int { return e.status }

// protocolError is a failure of the HTTP exchange rather than of the
// domain (a body that does not parse, too large, too many sign-in
// attempts, no such route): it carries its status.
type protocolError struct {
	status   int
	code     string
	msg      string
	problems []Problem
	header   http.Header
	limit    int64 // the size limit passed (413), for the pages to write
}

func (e *protocolError) Error() string { return e.msg }

// GetHeaders gives huma the headers to send with the error.
func (e *protocolError) GetHeaders() http.Header { return e.header }

func tooLarge(limit int64) error {
	return &protocolError{status: http.StatusRequestEntityTooLarge, code: codeTooLarge, limit: limit,
		msg: fmt.Sprintf("the request body is larger than the limit of %d bytes", limit)}
}

func badRequest(format string, args ...any) error {
	return &protocolError{status: http.StatusBadRequest, code: model.EINVALID, msg: fmt.Sprintf(format, args...)}
}

func tooManyAttempts(wait time.Duration) error {
	secs := int64(wait/time.Second) + 1
	return &protocolError{status: http.StatusTooManyRequests, code: codeTooMany,
		msg:    fmt.Sprintf("too many sign-in attempts: try again in %d s", secs),
		header: http.Header{"Retry-After": {strconv.FormatInt(secs, 10)}}}
}

// errorResponse is the one place where an error becomes an HTTP status
// and body:
//
//	protocol errors (huma's and ours)  their own status: 400 unreadable body or cursor, 408 upload too slow, 413,
//	                                    415, 422 body or parameters that fail validation, 405, 429
//	*model.ValidationError              422, with the model's problems (file, line, column, path, message)
//	EINVALID                            422: a value the domain refuses (a role, a kind, a control, a budget…)
//	ENOTFOUND                           404 (also what is another organisation's)
//	ECONFLICT                           409 (a stale base_revision, a duplicate, a finished job)
//	EUNAUTHORIZED                       401
//	EFORBIDDEN                          403
//	ENOSPACE, or ENOSPC from the system  507: the database or the disk is full (logged here with the cause)
//	anything else                       500 with a generic message; logged here, once, with the request id
func errorResponse(ctx context.Context, err error) *errorBody {
	info := infoFrom(ctx)
	var b *errorBody
	if errors.As(err, &b) {
		return b
	}
	var (
		pe *protocolError
		ve *model.ValidationError
	)
	out := &errorBody{}
	d := &out.Detail
	switch {
	case errors.As(err, &pe):
		out.status, d.Code, d.Message, d.Problems = pe.status, pe.code, pe.msg, pe.problems
	case errors.As(err, &ve):
		out.status, d.Code = http.StatusUnprocessableEntity, model.EINVALID
		for _, p := range ve.Problems {
			d.Problems = append(d.Problems, Problem{File: p.File, Line: p.Line, Column: p.Column, Path: p.Path, Message: p.Message})
		}
		d.Message = "invalid model"
		if len(ve.Problems) > 0 {
			d.Message = ve.Problems[0].String()
			if n := len(ve.Problems) - 1; n > 0 {
				d.Message += fmt.Sprintf(" (and %d more problem%s)", n, plural(n))
			}
		}
	case model.ErrorCode(err) == model.ENOSPACE || errors.Is(err, syscall.ENOSPC):
		info.log.Error("storage full", "error", err.Error())
		out.status, d.Code = http.StatusInsufficientStorage, model.ENOSPACE
		d.Message = "the server's storage is full: nothing was saved; the administrator must free space, then try again"
		d.RequestID = info.id
		return out
	default:
		code := model.ErrorCode(err)
		d.Code, d.Message = code, err.Error()
		switch code {
		case model.EINVALID:
			out.status = http.StatusUnprocessableEntity
		case model.ENOTFOUND:
			out.status = http.StatusNotFound
		case model.ECONFLICT:
			out.status = http.StatusConflict
		case model.EUNAUTHORIZED:
			out.status = http.StatusUnauthorized
		case model.EFORBIDDEN:
			out.status = http.StatusForbidden
		default:
			out.status = http.StatusInternalServerError
		}
	}
	if out.status >= 500 && errors.Is(err, context.Canceled) && ctx.Err() != nil {
		// The client went away (closed the page, cancelled a download):
		// not the server's fault; nobody reads the answer.
		info.log.Info("request cancelled by the client", "error", err.Error())
		out.status, d.Code, d.Message = statusClientClosed, model.EINTERNAL, "request cancelled"
		d.RequestID = info.id
		return out
	}
	if out.status >= 500 {
		info.log.Error("internal error", "error", err.Error())
		d.Code, d.Message, d.Problems = model.EINTERNAL, "internal error (the server's log has the details under request id "+info.id+")", nil
	}
	d.RequestID = info.id
	return out
}

// statusClientClosed is the status recorded for a request its client
// cancelled (nginx's 499; the client never sees it).
const statusClientClosed = 499

// writeError answers err outside huma (middleware, unknown routes).
func writeError(w http.ResponseWriter, r *http.Request, err error) {
	b := errorResponse(r.Context(), err)
	var he huma.HeadersError
	if errors.As(err, &he) {
		for k, vs := range he.GetHeaders() {
			for _, v := range vs {
				w.Header().Add(k, v)
			}
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(b.status)
	json.NewEncoder(w).Encode(b)
}

// newHumaErrorWithContext replaces huma.NewErrorWithContext: a handler's
// error (which huma hands over as a 500 "unexpected error occurred") and
// huma's own errors (validation, unreadable bodies) both go through
// errorResponse.
func newHumaErrorWithContext(hctx huma.Context, status int, msg string, errs ...error) huma.StatusError {
	ctx := context.Background()
	if hctx != nil {
		ctx = hctx.Context()
	}
	if status == http.StatusInternalServerError && msg == "unexpected error occurred" && len(errs) == 1 && errs[0] != nil {
		return errorResponse(ctx, errs[0])
	}
	return errorResponse(ctx, humaFailure(status, msg, errs))
}

// newHumaError replaces huma.NewError, for errors made without a request.
func newHumaError(status int, msg string, errs ...error) huma.StatusError {
	return newHumaErrorWithContext(nil, status, msg, errs...)
}

// humaFailure turns one of huma's errors (a status, a message and the
// details of each problem) into a protocolError.
func humaFailure(status int, msg string, errs []error) *protocolError {
	pe := &protocolError{status: status, code: codeForStatus(status), msg: msg}
	for _, e := range errs {
		if e == nil {
			continue
		}
		var p Problem
		var dt huma.ErrorDetailer
		if errors.As(e, &dt) {
			d := dt.ErrorDetail()
			p = Problem{Path: d.Location, Message: d.Message}
		} else {
			p = Problem{Message: e.Error()}
		}
		pe.problems = append(pe.problems, p)
	}
	if len(pe.problems) > 0 {
		p := pe.problems[0]
		if p.Path != "" {
			pe.msg += ": " + p.Path + ": " + p.Message
		} else {
			pe.msg += ": " + p.Message
		}
		if n := len(pe.problems) - 1; n > 0 {
			pe.msg += fmt.Sprintf(" (and %d more problem%s)", n, plural(n))
		}
	}
	return pe
}

// codeForStatus names the error code of one of huma's statuses.
func codeForStatus(status int) string {
	switch status {
	case http.StatusUnauthorized:
		return model.EUNAUTHORIZED
	case http.StatusForbidden:
		return model.EFORBIDDEN
	case http.StatusNotFound:
		return model.ENOTFOUND
	case http.StatusMethodNotAllowed:
		return codeNoMethod
	case http.StatusConflict:
		return model.ECONFLICT
	case http.StatusRequestEntityTooLarge:
		return codeTooLarge
	case http.StatusUnsupportedMediaType:
		return codeNoContent
	case http.StatusTooManyRequests:
		return codeTooMany
	case http.StatusInsufficientStorage:
		return model.ENOSPACE
	case http.StatusRequestTimeout:
		return codeTimeout
	}
	if status >= 500 {
		return model.EINTERNAL
	}
	return model.EINVALID
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
