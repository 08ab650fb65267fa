package tmplexec

import (
	"bytes"
	"cmp"
	"html/template"
	"reflect"
)

// builtin is one of text/template's predefined functions, for the
// arguments this package covers. It reports false for the others.
type builtin func(args []reflect.Value) (reflect.Value, bool)

// builtins are the predefined functions covered. and and or are
// evaluated in builtinCmd, as they stop at the first argument that
// decides.
var builtins = map[string]builtin{
	"and": nil,
	"or":  nil,
	"not": func(a []reflect.Value) (reflect.Value, bool) {
		if len(a) != 1 {
			return reflect.Value{}, false
		}
		return reflect.ValueOf(!truth(a[0])), true
	},
	"eq": func(a []reflect.Value) (reflect.Value, bool) {
		if len(a) < 2 {
			return reflect.Value{}, false
		}
		for _, b := range a[1:] {
			c, ok := compare(a[0], b)
			if !ok {
				return reflect.Value{}, false
			}
			if c == 0 {
				return reflect.ValueOf(true), true
			}
		}
		return reflect.ValueOf(false), true
	},
	"ne": comparison(func(c int) bool { return c != 0 }),
	"lt": comparison(func(c int) bool { return c < 0 }),
	"le": comparison(func(c int) bool { return c <= 0 }),
	"gt": comparison(func(c int) bool { return c > 0 }),
	"ge": comparison(func(c int) bool { return c >= 0 }),
	"len": func(a []reflect.Value) (reflect.Value, bool) {
		if len(a) != 1 {
			return reflect.Value{}, false
		}
		v, isNil := indirect(a[0])
		if isNil {
			return reflect.Value{}, false
		}
		switch v.Kind() {
		case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
			return reflect.ValueOf(v.Len()), true
		}
		return reflect.Value{}, false
	},
	"index": func(a []reflect.Value) (reflect.Value, bool) {
		if len(a) == 0 {
			return reflect.Value{}, false
		}
		item := indirectInterface(a[0])
		if !item.IsValid() {
			return reflect.Value{}, false // text/template: index of untyped nil
		}
		for _, i := range a[1:] {
			i = indirectInterface(i)
			var isNil bool
			if item, isNil = indirect(item); isNil || !item.IsValid() || !i.IsValid() {
				return reflect.Value{}, false
			}
			switch item.Kind() {
			case reflect.Array, reflect.Slice:
				if !isInt(i) || i.Int() < 0 || i.Int() >= int64(item.Len()) {
					return reflect.Value{}, false
				}
				item = item.Index(int(i.Int()))
			case reflect.Map:
				if i.Type() != item.Type().Key() {
					return reflect.Value{}, false
				}
				if x := item.MapIndex(i); x.IsValid() {
					item = x
				} else {
					item = reflect.Zero(item.Type().Elem())
				}
			default:
				return reflect.Value{}, false
			}
		}
		return item, true
	},
}

// comparison is ne, lt, le, gt or ge of two arguments.
func comparison(holds func(int) bool) builtin {
	return func(a []reflect.Value) (reflect.Value, bool) {
		if len(a) != 2 {
			return reflect.Value{}, false
		}
		c, ok := compare(a[0], a[1])
		if !ok {
			return reflect.Value{}, false
		}
		return reflect.ValueOf(holds(c)), true
	}
}

// compare orders two strings or two signed integers: the comparisons the
// layouts make. Other kinds have rules of their own in text/template.
func compare(a, b reflect.Value) (int, bool) {
	a, b = indirectInterface(a), indirectInterface(b)
	switch {
	case !a.IsValid() || !b.IsValid():
	case a.Kind() == reflect.String && b.Kind() == reflect.String:
		return cmp.Compare(a.String(), b.String()), true
	case isInt(a) && isInt(b):
		return cmp.Compare(a.Int(), b.Int()), true
	}
	return 0, false
}

func isInt(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return true
	}
	return false
}

func truth(v reflect.Value) bool {
	t, _ := isTrue(indirectInterface(v))
	return t
}

// builtinCmd calls a builtin. Its arguments are evaluated first, but for
// and and or, which return the first argument that decides.
type builtinCmd struct {
	name string
	fn   builtin
	args []arg
}

func (c *builtinCmd) eval(s *state, dot, final reflect.Value, hasFinal bool) (reflect.Value, error) {
	if c.fn == nil { // and, or
		if len(c.args) == 0 && !hasFinal {
			return reflect.Value{}, ErrFallback // text/template: wrong number of args
		}
		or := c.name == "or"
		var v reflect.Value
		for i := range c.args {
			var err error
			if v, err = c.args[i].eval(s, dot); err != nil {
				return v, err
			}
			if !v.IsValid() {
				return v, ErrFallback
			}
			if truth(v) == or {
				return v, nil
			}
		}
		if hasFinal {
			v = final
		}
		return v, nil
	}
	in, mark, err := evalArgs(s, dot, c.args, final, hasFinal)
	if err != nil {
		return reflect.Value{}, err
	}
	defer s.popArgs(mark)
	v, ok := c.fn(in)
	if !ok {
		return v, ErrFallback
	}
	return v, nil
}

// fastFunc returns a Direct call of fn for the signatures of string
// functions layouts call most (links, labels, dates), or nil. Unlike
// Call1's, it reads strings without making an interface of them.
func fastFunc(fn any) Direct {
	switch f := fn.(type) {
	case func(string) string:
		return func(a []reflect.Value) (reflect.Value, bool, error) {
			if len(a) != 1 || !isString(a[0]) {
				return reflect.Value{}, false, nil
			}
			return reflect.ValueOf(f(a[0].String())), true, nil
		}
	case func(string, string) string:
		return func(a []reflect.Value) (reflect.Value, bool, error) {
			if len(a) != 2 || !isString(a[0]) || !isString(a[1]) {
				return reflect.Value{}, false, nil
			}
			return reflect.ValueOf(f(a[0].String(), a[1].String())), true, nil
		}
	case func(string, string) template.HTML:
		return func(a []reflect.Value) (reflect.Value, bool, error) {
			if len(a) != 2 || !isString(a[0]) || !isString(a[1]) {
				return reflect.Value{}, false, nil
			}
			return reflect.ValueOf(f(a[0].String(), a[1].String())), true, nil
		}
	case func(string, any) string:
		return func(a []reflect.Value) (reflect.Value, bool, error) {
			if len(a) != 2 || !isString(a[0]) || !a[1].IsValid() {
				return reflect.Value{}, false, nil
			}
			return reflect.ValueOf(f(a[0].String(), a[1].Interface())), true, nil
		}
	}
	return nil
}

// Direct calls a function of the FuncMap without reflection (see Call1),
// when its arguments are of the types it takes; called is false when they
// are not, and the call goes through reflection.
type Direct func(args []reflect.Value) (result reflect.Value, called bool, err error)

// Call1 is the Direct call of f, a function of one argument. A and R must
// not be interface types other than any: reflection would give a result
// of an interface type, which this call cannot.
func Call1[A, R any](f func(A) (R, error)) Direct {
	return func(in []reflect.Value) (reflect.Value, bool, error) {
		if len(in) != 1 {
			return reflect.Value{}, false, nil
		}
		a, ok := argOf[A](in[0])
		if !ok {
			return reflect.Value{}, false, nil
		}
		r, err := f(a)
		return reflect.ValueOf(r), true, err
	}
}

// Call2 is Call1 for a function of two arguments.
func Call2[A, B, R any](f func(A, B) (R, error)) Direct {
	return func(in []reflect.Value) (reflect.Value, bool, error) {
		if len(in) != 2 {
			return reflect.Value{}, false, nil
		}
		a, ok := argOf[A](in[0])
		b, ok2 := argOf[B](in[1])
		if !ok || !ok2 {
			return reflect.Value{}, false, nil
		}
		r, err := f(a, b)
		return reflect.ValueOf(r), true, err
	}
}

// A Writer writes the HTML a function of the FuncMap returns into the
// output instead of returning it, for an action that shows the HTML as it
// is: {{rows .Records}} in text. A list page's hundred rows were joined
// into a string of their own and then copied into the page; the strings
// were an eighth of the bytes a build allocated. called is false when
// the arguments are not of the types f takes: the call then returns the
// HTML as usual. On an error, what was written is the caller's to drop.
type Writer func(w *bytes.Buffer, args []reflect.Value) (called bool, err error)

// Write1 is the Writer of f, which writes what a function of one argument
// of type A would return.
func Write1[A any](f func(w *bytes.Buffer, a A) error) Writer {
	return func(w *bytes.Buffer, in []reflect.Value) (bool, error) {
		if len(in) != 1 {
			return false, nil
		}
		a, ok := argOf[A](in[0])
		if !ok {
			return false, nil
		}
		return true, f(w, a)
	}
}

// argOf is v as an argument of type A, where text/template would pass it
// to a parameter of that type: of the type, or an interface holding it.
func argOf[A any](v reflect.Value) (A, bool) {
	var zero A
	if !v.IsValid() || !v.CanInterface() {
		return zero, false
	}
	a, ok := v.Interface().(A)
	return a, ok
}

func isString(v reflect.Value) bool { return v.IsValid() && v.Type() == stringType }
