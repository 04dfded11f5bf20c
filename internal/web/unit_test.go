package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/scrutin/scrutin/internal/model"
)

func TestErrorResponse(t *testing.T) {
	ve := &model.ValidationError{Problems: []model.Problem{{File: "m", Pos: model.Pos{Line: 3, Column: 1}, Path: "bogus", Message: "unknown field"}}}
	tests := []struct {
		err    error
		status int
		code   string
	}{
		{model.Errorf(model.EINVALID, "bad"), http.StatusUnprocessableEntity, model.EINVALID},
		{fmt.Errorf("wrapped: %w", model.Errorf(model.ENOTFOUND, "x")), http.StatusNotFound, model.ENOTFOUND},
		{model.Errorf(model.ECONFLICT, "x"), http.StatusConflict, model.ECONFLICT},
		{model.Errorf(model.EUNAUTHORIZED, "x"), http.StatusUnauthorized, model.EUNAUTHORIZED},
		{model.Errorf(model.EFORBIDDEN, "x"), http.StatusForbidden, model.EFORBIDDEN},
		{ve, http.StatusUnprocessableEntity, model.EINVALID},
		{badRequest("x"), http.StatusBadRequest, model.EINVALID},
		{tooLarge(10), http.StatusRequestEntityTooLarge, codeTooLarge},
		{tooManyAttempts(time.Second), http.StatusTooManyRequests, codeTooMany},
		{errors.New("disk on fire"), http.StatusInternalServerError, model.EINTERNAL},
		{model.Errorf(model.EINTERNAL, "secret detail"), http.StatusInternalServerError, model.EINTERNAL},
	}
	for _, tt := range tests {
		b := errorResponse(context.Background(), tt.err)
		if b.status != tt.status || b.Detail.Code != tt.code {
			t.Errorf("%v: %d %s, want %d %s", tt.err, b.status, b.Detail.Code, tt.status, tt.code)
		}
		if tt.status == 500 && (b.Detail.Message == tt.err.Error() || len(b.Detail.Problems) > 0) {
			t.Errorf("an internal error's detail reaches the client: %+v", b.Detail)
		}
	}
	b := errorResponse(context.Background(), ve)
	if want := []Problem{{File: "m", Line: 3, Column: 1, Path: "bogus", Message: "unknown field"}}; !reflect.DeepEqual(b.Detail.Problems, want) || b.Detail.Message != "m:3:1: bogus: unknown field" {
		t.Errorf("validation error: %+v", b.Detail)
	}
}

func TestLoginLimiter(t *testing.T) {
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	l := newLoginLimiter(LoginLimit{PerAddress: 1, AddressBurst: 3, PerAccount: 0.1, AccountBurst: 10}, func() time.Time { return now })
	for i := range 3 {
		if ok, _ := l.allow("10.0.0.1", fmt.Sprintf("u%d@x", i)); !ok {
			t.Fatalf("attempt %d refused", i)
		}
	}
	ok, wait := l.allow("10.0.0.1", "u9@x")
	if ok || wait < time.Second {
		t.Errorf("4th attempt from one address: %v, wait %s", ok, wait)
	}
	if ok, _ := l.allow("10.0.0.2", "u9@x"); !ok {
		t.Errorf("another address is refused")
	}
	// One email from one address: AccountBurst attempts, and that address
	// only.
	pl := newLoginLimiter(LoginLimit{PerAddress: 1, AddressBurst: 100, PerAccount: 0.1, AccountBurst: 10}, func() time.Time { return now })
	for i := range 10 {
		if ok, _ := pl.allow("10.0.0.3", "admin@x"); !ok {
			t.Fatalf("attempt %d refused", i)
		}
	}
	if ok, _ := pl.allow("10.0.0.3", "ADMIN@x"); ok {
		t.Errorf("11th attempt for one email from one address allowed")
	}
	if ok, _ := pl.allow("10.0.0.4", "admin@x"); !ok {
		t.Errorf("the email is refused from another address")
	}
	now = now.Add(time.Second)
	if ok, _ := l.allow("10.0.0.1", "u8@x"); !ok {
		t.Errorf("refused after the bucket refilled")
	}
	// Memory stays bounded, and a drained bucket is kept while it can be.
	l = newLoginLimiter(LoginLimit{PerAddress: 1000, AddressBurst: 1 << 20, PerAccount: 0.1, AccountBurst: 1}, func() time.Time { return now })
	l.allow("10.0.0.1", "drained@x")
	for i := range maxBuckets + 10 {
		l.allow("10.0.0.1", fmt.Sprintf("n%d@x", i))
		now = now.Add(time.Millisecond)
	}
	if n := len(l.byPair); n > maxBuckets {
		t.Errorf("%d buckets", n)
	}
}

func TestPasswords(t *testing.T) {
	ctx := context.Background()
	p, err := newPasswords(fastPasswords)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.hash(ctx, "short"); model.ErrorCode(err) != model.EINVALID {
		t.Errorf("short password: %v", err)
	}
	// Common passwords are refused whatever their case.
	for _, pw := range []string{"Password123", "qwertyuiop", "ILOVEYOU", "trustno1", "1qaz2wsx"} {
		if _, err := p.hash(ctx, pw); model.ErrorCode(err) != model.EINVALID || !strings.Contains(err.Error(), "common") {
			t.Errorf("common password %q: %v", pw, err)
		}
	}
	h, err := p.hash(ctx, "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	for pw, want := range map[string]bool{"correct horse battery": true, "correct horse batterY": false, "": false} {
		if ok, err := p.check(ctx, pw, h); ok != want || err != nil {
			t.Errorf("check(%q) = %v, %v", pw, ok, err)
		}
	}
	if ok, err := p.check(ctx, "anything at all", ""); ok || err != nil {
		t.Errorf("an unknown user's check = %v, %v", ok, err)
	}
}
