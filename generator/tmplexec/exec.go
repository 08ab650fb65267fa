package tmplexec

import (
	"bytes"
	"cmp"
	"reflect"
	"slices"
	"sync/atomic"
)

// maxDepth bounds nested template calls; deeper ones are left to
// html/template, which has a bound of its own.
const maxDepth = 10000

// Execute writes the template applied to data to w. On ErrFallback, w
// holds part of the output: the caller resets it and runs html/template.
func (p *Program) Execute(w *bytes.Buffer, data any) (err error) {
	defer func() {
		// text/template turns a function's panic into an error; here
		// html/template runs again and reports it.
		if recover() != nil {
			err = ErrFallback
		}
	}()
	v, ok := data.(reflect.Value)
	if !ok {
		v = reflect.ValueOf(data)
	}
	s := &state{w: w, vars: make([]variable, 1, 8)}
	s.vars[0] = variable{"$", v}
	return exec(s, p.root, v)
}

type state struct {
	w     *bytes.Buffer
	vars  []variable
	base  int // the first variable of the template running: its $
	depth int
	// args is a stack of the arguments of the calls being made (see
	// evalArgs): an array of its own for each call took an allocation.
	args []reflect.Value
}

type variable struct {
	name string
	val  reflect.Value
}

func (s *state) lookup(name string) (reflect.Value, bool) {
	for i := len(s.vars) - 1; i >= s.base; i-- {
		if s.vars[i].name == name {
			return s.vars[i].val, true
		}
	}
	return reflect.Value{}, false
}

type node interface {
	exec(s *state, dot reflect.Value) error
}

func exec(s *state, n node, dot reflect.Value) error {
	if n == nil {
		return nil
	}
	return n.exec(s, dot)
}

type textNode []byte

func (t textNode) exec(s *state, _ reflect.Value) error {
	s.w.Write(t)
	return nil
}

type listNode []node

func (l listNode) exec(s *state, dot reflect.Value) error {
	for _, n := range l {
		if err := n.exec(s, dot); err != nil {
			return err
		}
	}
	return nil
}

// actionNode prints its pipeline's value, which html/template's escapers
// have made a string, unless the pipeline declares variables. Those stay
// until the end of the enclosing if, with or range.
type actionNode struct {
	pipe    *pipeline
	escapes []escaper // the escapers that end pipe, when it declares nothing
	writer  *funcCmd  // pipe's call, when its Writer may write the output
}

func (a *actionNode) exec(s *state, dot reflect.Value) error {
	if a.writer != nil {
		written, v, err := a.writer.writeOrCall(s, dot)
		if written || err != nil {
			return err
		}
		return a.escape(s, v)
	}
	if len(a.escapes) > 0 {
		v, err := a.pipe.evalTo(s, dot, len(a.pipe.cmds)-len(a.escapes))
		if err != nil {
			return err
		}
		return a.escape(s, v)
	}
	v, err := a.pipe.eval(s, dot)
	if err != nil || len(a.pipe.decl) > 0 {
		return err
	}
	if !v.IsValid() || v.Type() != stringType {
		return ErrFallback
	}
	s.w.WriteString(v.String())
	return nil
}

// escape runs the escapers on v and writes the result. The first escaper
// takes v, the value of the commands before it, the others a string: as
// a pipeline would, without making a reflect.Value of each string, which
// took an allocation apiece, a seventh of a build's.
func (a *actionNode) escape(s *state, v reflect.Value) error {
	str, ok := a.escapes[0].value(v)
	if !ok {
		return ErrFallback
	}
	for _, e := range a.escapes[1:] {
		if e.text == nil {
			return ErrFallback
		}
		str = e.text(str)
	}
	s.w.WriteString(str)
	return nil
}

// branchNode is an if or a with.
type branchNode struct {
	with           bool
	pipe           *pipeline
	list, elseList node
}

func (b *branchNode) exec(s *state, dot reflect.Value) error {
	mark := len(s.vars)
	defer func() { s.vars = s.vars[:mark] }()
	v, err := b.pipe.eval(s, dot)
	if err != nil {
		return err
	}
	truth, ok := isTrue(indirectInterface(v))
	if !ok {
		return ErrFallback
	}
	if !truth {
		return exec(s, b.elseList, dot)
	}
	if b.with {
		dot = v
	}
	return exec(s, b.list, dot)
}

type rangeNode struct{ *branchNode }

func (r *rangeNode) exec(s *state, dot reflect.Value) error {
	mark := len(s.vars)
	defer func() { s.vars = s.vars[:mark] }()
	v, err := r.pipe.eval(s, dot)
	if err != nil {
		return err
	}
	v, isNil := indirect(v)
	if isNil {
		return ErrFallback
	}
	one := func(i, elem reflect.Value) error {
		// The pipeline declared the variables: the last takes the
		// element, the first of two the index.
		n := len(s.vars)
		switch len(r.pipe.decl) {
		case 2:
			s.vars[n-2].val = i
			fallthrough
		case 1:
			s.vars[n-1].val = elem
		}
		inner := len(s.vars)
		err := exec(s, r.list, elem)
		s.vars = s.vars[:inner]
		return err
	}
	switch v.Kind() {
	case reflect.Array, reflect.Slice:
		if v.Len() == 0 {
			break
		}
		for i := range v.Len() {
			if err := one(reflect.ValueOf(i), v.Index(i)); err != nil {
				return err
			}
		}
		return nil
	case reflect.Map:
		if v.Len() == 0 {
			break
		}
		// text/template ranges over a map in key order; covered for
		// string keys.
		if v.Type().Key().Kind() != reflect.String {
			return ErrFallback
		}
		keys := v.MapKeys()
		slices.SortFunc(keys, func(a, b reflect.Value) int { return cmp.Compare(a.String(), b.String()) })
		for _, k := range keys {
			if err := one(k, v.MapIndex(k)); err != nil {
				return err
			}
		}
		return nil
	case reflect.Invalid:
		// Nothing to range over: the else branch, as text/template.
	default:
		return ErrFallback
	}
	return exec(s, r.elseList, dot)
}

// templateNode calls another template with the value of its pipeline as
// dot and only $ as a variable.
type templateNode struct {
	prog *Program
	pipe *pipeline // nil: no argument
}

func (t *templateNode) exec(s *state, dot reflect.Value) error {
	if s.depth >= maxDepth {
		return ErrFallback
	}
	var v reflect.Value
	if t.pipe != nil {
		var err error
		if v, err = t.pipe.eval(s, dot); err != nil {
			return err
		}
	}
	// The called template sees its own $ only, pushed on the same stack
	// (a state of its own took an allocation per call).
	base, depth := s.base, s.depth
	s.base, s.depth = len(s.vars), depth+1
	s.vars = append(s.vars, variable{"$", v})
	err := exec(s, t.prog.root, v)
	s.vars, s.base, s.depth = s.vars[:s.base], base, depth
	return err
}

type pipeline struct {
	decl []string
	cmds []command
}

func (p *pipeline) eval(s *state, dot reflect.Value) (reflect.Value, error) {
	v, err := p.evalTo(s, dot, len(p.cmds))
	if err != nil {
		return v, err
	}
	for _, name := range p.decl {
		s.vars = append(s.vars, variable{name, v})
	}
	return v, nil
}

// evalTo evaluates the first n commands of the pipeline, and declares
// nothing.
func (p *pipeline) evalTo(s *state, dot reflect.Value, n int) (reflect.Value, error) {
	var v reflect.Value
	for i, c := range p.cmds[:n] {
		var err error
		if v, err = c.eval(s, dot, v, i > 0); err != nil {
			return v, err
		}
		// text/template looks inside a value of type any.
		if v.Kind() == reflect.Interface && v.Type().NumMethod() == 0 {
			v = reflect.ValueOf(v.Interface())
		}
	}
	return v, nil
}

// command is one command of a pipeline. final is the value of the one
// before, passed as the last argument, when hasFinal.
type command interface {
	eval(s *state, dot, final reflect.Value, hasFinal bool) (reflect.Value, error)
}

// arg is an argument: a constant already converted to its parameter's
// type, or a command evaluated without a final value.
type arg struct {
	isConst bool
	val     reflect.Value
	cmd     command
}

func (a *arg) eval(s *state, dot reflect.Value) (reflect.Value, error) {
	if a.isConst {
		return a.val, nil
	}
	return a.cmd.eval(s, dot, reflect.Value{}, false)
}

type dotCmd struct{}

func (dotCmd) eval(_ *state, dot, _ reflect.Value, hasFinal bool) (reflect.Value, error) {
	if hasFinal {
		return reflect.Value{}, ErrFallback
	}
	return dot, nil
}

type constCmd struct{ v reflect.Value }

func (c constCmd) eval(_ *state, _, _ reflect.Value, hasFinal bool) (reflect.Value, error) {
	if hasFinal {
		return reflect.Value{}, ErrFallback
	}
	return c.v, nil
}

type pipeCmd struct{ p *pipeline }

func (c *pipeCmd) eval(s *state, dot, _ reflect.Value, hasFinal bool) (reflect.Value, error) {
	if hasFinal {
		return reflect.Value{}, ErrFallback
	}
	return c.p.eval(s, dot)
}

// fieldCmd is .A.B, with arguments when B is a method.
type fieldCmd struct {
	chain chain
	args  []arg
}

func (c *fieldCmd) eval(s *state, dot, final reflect.Value, hasFinal bool) (reflect.Value, error) {
	return c.chain.eval(s, dot, dot, c.args, final, hasFinal)
}

// varCmd is $x or $x.A.B.
type varCmd struct {
	name  string
	chain chain
	args  []arg
}

func (c *varCmd) eval(s *state, dot, final reflect.Value, hasFinal bool) (reflect.Value, error) {
	v, ok := s.lookup(c.name)
	if !ok {
		return v, ErrFallback
	}
	if len(c.chain.names) == 0 {
		if hasFinal || len(c.args) > 0 {
			return v, ErrFallback
		}
		return v, nil
	}
	return c.chain.eval(s, dot, v, c.args, final, hasFinal)
}

// chain is a sequence of field names, each with the index of the field
// for the type last seen there.
type chain struct {
	names []string
	cache []atomic.Pointer[field]
}

func newChain(names []string) chain {
	return chain{names: names, cache: make([]atomic.Pointer[field], len(names))}
}

// field is what a name means on one type: a struct field's index, a map
// key, or a method, called through reflection with its receiver first.
type field struct {
	typ    reflect.Type
	index  []int
	mapKey reflect.Value
	method bool
	ptrFn  reflect.Value // the method of *typ
	valFn  reflect.Value // the method of typ, if it has one
}

func (c *chain) eval(s *state, dot, v reflect.Value, args []arg, final reflect.Value, hasFinal bool) (reflect.Value, error) {
	last := len(c.names) - 1
	for i, name := range c.names {
		recv, isNil := indirect(v)
		if !recv.IsValid() || isNil {
			return v, ErrFallback
		}
		f := c.cache[i].Load()
		if f == nil || f.typ != recv.Type() {
			f = lookupField(recv.Type(), name)
			c.cache[i].Store(f)
		}
		switch {
		case f.method:
			// Only the last name of the chain takes the arguments.
			var err error
			if i < last {
				v, err = callMethod(s, dot, recv, f, nil, reflect.Value{}, false)
			} else {
				v, err = callMethod(s, dot, recv, f, args, final, hasFinal)
			}
			if err != nil {
				return v, err
			}
		case i == last && (len(args) > 0 || hasFinal):
			return v, ErrFallback // text/template: not a method, has arguments
		case f.index != nil:
			var err error
			if v, err = recv.FieldByIndexErr(f.index); err != nil {
				return v, ErrFallback
			}
		case f.mapKey.IsValid():
			if v = recv.MapIndex(f.mapKey); !v.IsValid() {
				return v, ErrFallback // a missing key: "<no value>"
			}
		default:
			return v, ErrFallback
		}
	}
	return v, nil
}

func lookupField(t reflect.Type, name string) *field {
	f := &field{typ: t}
	if m, ok := reflect.PointerTo(t).MethodByName(name); ok {
		f.method, f.ptrFn = true, m.Func
		if m, ok := t.MethodByName(name); ok {
			f.valFn = m.Func
		}
		return f
	}
	switch t.Kind() {
	case reflect.Struct:
		if sf, ok := t.FieldByName(name); ok && sf.IsExported() {
			f.index = sf.Index
		}
	case reflect.Map:
		if t.Key() == stringType {
			f.mapKey = reflect.ValueOf(name)
		}
	}
	return f
}

// callMethod calls the method f of recv, a value that is not a pointer,
// as text/template does: on a pointer to it when it can, so methods of *T
// are found. The method was looked up once for the type: a lookup by name
// made a new function type on every call.
func callMethod(s *state, dot, recv reflect.Value, f *field, args []arg, final reflect.Value, hasFinal bool) (reflect.Value, error) {
	fn := f.valFn
	if recv.CanAddr() {
		fn, recv = f.ptrFn, recv.Addr()
	}
	if !fn.IsValid() {
		return fn, ErrFallback // a method of *T on a T that has no address
	}
	mark := len(s.args)
	s.args = append(s.args, recv)
	in, _, err := evalArgs(s, dot, args, final, hasFinal)
	if err != nil {
		s.popArgs(mark)
		return reflect.Value{}, err
	}
	defer s.popArgs(mark)
	return callReflect(fn, fn.Type(), args, s.args[mark:mark+1+len(in):mark+1+len(in)], 1)
}

// funcCmd calls a function of the FuncMap.
type funcCmd struct {
	fn     reflect.Value
	typ    reflect.Type
	args   []arg
	direct Direct // the caller's, or fastFunc's, or nil
	write  Writer // the caller's, for a function of HTML, or nil
}

func (c *funcCmd) eval(s *state, dot, final reflect.Value, hasFinal bool) (reflect.Value, error) {
	in, mark, err := evalArgs(s, dot, c.args, final, hasFinal)
	if err != nil {
		return reflect.Value{}, err
	}
	defer s.popArgs(mark)
	return c.call(in)
}

// writeOrCall writes the function's HTML into the output with its Writer,
// or, when the Writer does not take the arguments, returns the HTML.
func (c *funcCmd) writeOrCall(s *state, dot reflect.Value) (written bool, v reflect.Value, err error) {
	in, mark, err := evalArgs(s, dot, c.args, reflect.Value{}, false)
	if err != nil {
		return false, v, err
	}
	defer s.popArgs(mark)
	if called, err := c.write(s.w, in); called {
		if err != nil {
			// As a function's error (see call); Execute's caller drops
			// the output.
			return true, v, ErrFallback
		}
		return true, v, nil
	}
	v, err = c.call(in)
	return false, v, err
}

// call calls the function with the arguments in.
func (c *funcCmd) call(in []reflect.Value) (reflect.Value, error) {
	if c.direct != nil {
		// A function's error, as through reflection, is html/template's
		// to report.
		if v, called, err := c.direct(in); called {
			if err != nil {
				return v, ErrFallback
			}
			return v, nil
		}
	}
	return callReflect(c.fn, c.typ, c.args, in, 0)
}

// evalArgs pushes the values of args, then final, on the state's stack of
// arguments and returns them, and the mark to pop them to once the call
// is made. The calls in the arguments push theirs above, and pop them
// before the next argument is pushed.
func evalArgs(s *state, dot reflect.Value, args []arg, final reflect.Value, hasFinal bool) ([]reflect.Value, int, error) {
	mark := len(s.args)
	for i := range args {
		v, err := args[i].eval(s, dot)
		if err != nil {
			s.popArgs(mark)
			return nil, mark, err
		}
		s.args = append(s.args, v)
	}
	if hasFinal {
		s.args = append(s.args, final)
	}
	return s.args[mark:len(s.args):len(s.args)], mark, nil
}

// popArgs pops the arguments above mark, letting go of their values.
func (s *state) popArgs(mark int) {
	clear(s.args[mark:])
	s.args = s.args[:mark]
}

// callReflect calls fn through reflection with the values of args, then
// the final value if in has one more, with text/template's checks of the
// number and types of arguments and of results. It converts in in place,
// but for its first recv values: a method's receiver.
func callReflect(fn reflect.Value, t reflect.Type, args []arg, in []reflect.Value, recv int) (reflect.Value, error) {
	n := len(in)
	if t.IsVariadic() && n < t.NumIn()-1 || !t.IsVariadic() && n != t.NumIn() ||
		t.NumOut() != 1 && (t.NumOut() != 2 || t.Out(1) != errorType) || t.Out(0) == reflectValueType {
		// A reflect.Value result text/template would unwrap.
		return reflect.Value{}, ErrFallback
	}
	for i, v := range in[recv:] {
		var ok bool
		if i < len(args) && args[i].isConst {
			in[recv+i], ok = convertConst(v, paramType(t, recv+i))
		} else {
			in[recv+i], ok = assign(v, paramType(t, recv+i))
		}
		if !ok {
			return v, ErrFallback
		}
	}
	out := fn.Call(in)
	if len(out) == 2 && !out[1].IsNil() {
		return out[0], ErrFallback
	}
	return out[0], nil
}

var reflectValueType = reflect.TypeFor[reflect.Value]()

// assign converts v for a parameter of type t where text/template would
// without complaint.
func assign(v reflect.Value, t reflect.Type) (reflect.Value, bool) {
	if !v.IsValid() {
		return v, false
	}
	if v.Type().AssignableTo(t) {
		return v, true
	}
	if v.Kind() == reflect.Interface && !v.IsNil() && v.Elem().Type().AssignableTo(t) {
		return v.Elem(), true
	}
	return v, false
}

// indirect follows pointers and interfaces to the value, as text/template
// does; isNil reports a nil on the way.
func indirect(v reflect.Value) (reflect.Value, bool) {
	for ; v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface; v = v.Elem() {
		if v.IsNil() {
			return v, true
		}
	}
	return v, false
}

func indirectInterface(v reflect.Value) reflect.Value {
	if v.Kind() != reflect.Interface || v.IsNil() {
		return v
	}
	return v.Elem()
}

// isTrue is text/template's truth: the zero value and empty collections
// are false.
func isTrue(v reflect.Value) (truth, ok bool) {
	if !v.IsValid() {
		return false, true
	}
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() > 0, true
	case reflect.Bool:
		return v.Bool(), true
	case reflect.Complex64, reflect.Complex128:
		return v.Complex() != 0, true
	case reflect.Chan, reflect.Func, reflect.Pointer, reflect.UnsafePointer, reflect.Interface:
		return !v.IsNil(), true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int() != 0, true
	case reflect.Float32, reflect.Float64:
		return v.Float() != 0, true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return v.Uint() != 0, true
	case reflect.Struct:
		return true, true
	}
	return false, false
}

var stringType = reflect.TypeFor[string]()
