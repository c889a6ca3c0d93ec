// appkey.go owns an Application's values: the untyped Set/Get, typed
// AppKeys, and the chained lookup from a handling sub-application up to the
// root (aiohttp's request.config_dict).

package aioweb

import "fmt"

// Set stores an app-wide value under key (aiohttp's app['key'] = value). It
// is safe for concurrent use. A sub-application's handlers see it through
// req.ConfigGet (or an AppKey), not through their own app's Get.
func (a *Application) Set(key string, v any) { a.setValue(key, v) }

// Get returns the value this application holds under key, or nil. It does
// not look at parents: in a sub-application's handler req.App.Get sees only
// the sub-application's own values; req.ConfigGet also consults the parents.
func (a *Application) Get(key string) any {
	v, _ := a.value(key)
	return v
}

// ConfigGet returns the value stored under key with Application.Set by the
// application handling the request or, failing that, by the nearest
// application above it (sub-app, then parent, up to the root), or nil:
// aiohttp's request.config_dict[key].
func (req *Request) ConfigGet(key string) any {
	v, _ := chainValue(req.App, key)
	return v
}

// AppKey is a typed key for an application value (aiohttp 3.9's
// web.AppKey): Set on an Application, read from a request without a type
// assertion. Keys compare by identity, so two keys with one name never
// collide; make them once, at package level:
//
//	var dbKey = aioweb.NewAppKey[*sql.DB]("db")
//
//	dbKey.Set(app, db)           // at startup
//	db := dbKey.MustGet(req)     // in any handler, sub-apps included
type AppKey[T any] struct {
	name string
}

// NewAppKey returns a new key for values of type T; name is for messages.
func NewAppKey[T any](name string) *AppKey[T] { return &AppKey[T]{name: name} }

// String returns the key's name and type, as in `AppKey("db", *sql.DB)`.
func (k *AppKey[T]) String() string {
	return fmt.Sprintf("AppKey(%q, %T)", k.name, *new(T))
}

// Set stores v on app under k. It is safe for concurrent use.
func (k *AppKey[T]) Set(app *Application, v T) { app.setValue(k, v) }

// Get returns the value of k for req: the handling application's own, else
// the nearest parent's, up to the root (aiohttp's request.config_dict[key]),
// and whether one was found.
func (k *AppKey[T]) Get(req *Request) (T, bool) { return k.From(req.App) }

// From is Get starting at app instead of a request: app's own value, else
// its nearest parent's.
func (k *AppKey[T]) From(app *Application) (T, bool) {
	v, ok := chainValue(app, k)
	if !ok {
		var zero T
		return zero, false
	}
	return v.(T), true
}

// MustGet is Get for values that must be there: it panics when no
// application on the chain holds k, which in a handler is a logged 500
// naming the key.
func (k *AppKey[T]) MustGet(req *Request) T {
	v, ok := k.Get(req)
	if !ok {
		panic(fmt.Sprintf("aioweb: no value for %v on the application chain", k))
	}
	return v
}

func (a *Application) setValue(key, v any) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.values == nil {
		a.values = map[any]any{}
	}
	a.values[key] = v
}

func (a *Application) value(key any) (any, bool) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	v, ok := a.values[key]
	return v, ok
}

// chainValue looks key up on app, then on its parents.
func chainValue(app *Application, key any) (any, bool) {
	for ; app != nil; app = app.parent {
		if v, ok := app.value(key); ok {
			return v, true
		}
	}
	return nil, false
}
