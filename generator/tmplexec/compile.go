// Package tmplexec executes html/template layouts that html/template has
// already escaped, without most of the reflection text/template spends
// on each action.
//
// text/template looks every field up by name and calls every function,
// the escapers html/template adds to each action included, through
// reflect.Value.Call: in profiles of a build that was most of the time of
// a page, not the work of the functions. A Program is the escaped parse
// tree turned once into nodes that know their function, their literal
// arguments converted, and a cache of each field's index by type; the
// escapers html/template inserts run as Go code for the values they meet
// on pages (strings, ints, bools, template.HTML and template.JS).
//
// It covers the part of the template language that the layouts use and
// gives up on the rest: Compile refuses a tree it does not cover, and
// Execute returns ErrFallback for any value it does not handle exactly
// as html/template would (an error, a nil, a type it does not know). The
// caller then runs html/template itself, whose output and errors are the
// reference; the tests compare the two on every page of a site.
package tmplexec

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"text/template/parse"
)

// ErrFallback means the caller must execute the template with
// html/template instead.
var ErrFallback = errors.New("tmplexec: not covered, execute with html/template")

// Program is one compiled template.
type Program struct {
	root node
}

// Compiler compiles the escaped templates of one set. Programs share the
// templates they call.
type Compiler struct {
	lookup    func(name string) *parse.Tree
	funcs     map[string]reflect.Value
	calls     Calls
	progs     map[string]*Program
	compiling map[string]bool
}

// Calls are the ways of calling functions of the FuncMap without
// reflection, by name. Either map may be nil.
type Calls struct {
	Direct map[string]Direct
	// Write is used for an action that is a call and nothing else, in
	// text, of a function whose result is template.HTML.
	Write map[string]Writer
}

// NewCompiler returns a compiler that finds templates with lookup (the
// escaped tree of a template name, or nil) and functions in funcs (the
// FuncMap the templates were parsed with), some of which calls makes
// without reflection.
func NewCompiler(lookup func(name string) *parse.Tree, funcs map[string]any, calls Calls) *Compiler {
	c := &Compiler{lookup: lookup, funcs: map[string]reflect.Value{}, calls: calls, progs: map[string]*Program{}, compiling: map[string]bool{}}
	for name, fn := range funcs {
		c.funcs[name] = reflect.ValueOf(fn)
	}
	return c
}

// Compile compiles the template name and every template it calls. It
// fails for a tree that uses what this package does not cover.
func (c *Compiler) Compile(name string) (p *Program, err error) {
	if p, ok := c.progs[name]; ok {
		return p, nil
	}
	if c.compiling[name] {
		// Recursion is rare in layouts: not covered.
		return nil, fmt.Errorf("template %q calls itself", name)
	}
	tree := c.lookup(name)
	if tree == nil || tree.Root == nil {
		return nil, fmt.Errorf("no template %q", name)
	}
	c.compiling[name] = true
	defer delete(c.compiling, name)
	root, err := c.list(tree.Root)
	if err != nil {
		return nil, err
	}
	p = &Program{root: root}
	c.progs[name] = p
	return p, nil
}

func (c *Compiler) list(l *parse.ListNode) (node, error) {
	if l == nil {
		return nil, nil
	}
	var out listNode
	for _, n := range l.Nodes {
		x, err := c.node(n)
		if err != nil {
			return nil, err
		}
		if t, ok := x.(textNode); ok && len(out) > 0 {
			if prev, ok := out[len(out)-1].(textNode); ok {
				out[len(out)-1] = append(prev[:len(prev):len(prev)], t...)
				continue
			}
		}
		if x != nil {
			out = append(out, x)
		}
	}
	if len(out) == 1 {
		return out[0], nil
	}
	return out, nil
}

func (c *Compiler) node(n parse.Node) (node, error) {
	switch n := n.(type) {
	case *parse.TextNode:
		return textNode(n.Text), nil
	case *parse.CommentNode:
		return nil, nil
	case *parse.ActionNode:
		p, err := c.pipeline(n.Pipe)
		if err != nil {
			return nil, err
		}
		a := &actionNode{pipe: p}
		// The escapers that end the pipeline, after at least one
		// command: most actions' (see actionNode.exec).
		head := len(p.cmds)
		for head > 1 {
			e, ok := p.cmds[head-1].(escapeCmd)
			if !ok {
				break
			}
			a.escapes = append([]escaper{e.escaper}, a.escapes...)
			head--
		}
		if len(p.decl) > 0 {
			a.escapes = nil
		}
		// {{f x}} in text, f's result trusted HTML, which the escaper
		// gives as it is: f's Writer may write it.
		if fc, ok := p.cmds[0].(*funcCmd); ok && fc.write != nil && len(p.cmds) == 2 && len(a.escapes) == 1 &&
			p.cmds[1].(escapeCmd).name == htmlEscaper {
			a.writer = fc
		}
		return a, nil
	case *parse.IfNode:
		return c.branch(&n.BranchNode, false)
	case *parse.WithNode:
		return c.branch(&n.BranchNode, true)
	case *parse.RangeNode:
		if len(n.Pipe.Decl) > 2 || n.Pipe.IsAssign {
			return nil, fmt.Errorf("range with %d variables", len(n.Pipe.Decl))
		}
		b, err := c.branch(&n.BranchNode, false)
		if err != nil {
			return nil, err
		}
		return &rangeNode{b}, nil
	case *parse.TemplateNode:
		prog, err := c.Compile(n.Name)
		if err != nil {
			return nil, err
		}
		var p *pipeline
		if n.Pipe != nil {
			if p, err = c.pipeline(n.Pipe); err != nil {
				return nil, err
			}
		}
		return &templateNode{prog: prog, pipe: p}, nil
	}
	return nil, fmt.Errorf("%T is not covered", n)
}

func (c *Compiler) branch(b *parse.BranchNode, with bool) (*branchNode, error) {
	p, err := c.pipeline(b.Pipe)
	if err != nil {
		return nil, err
	}
	list, err := c.list(b.List)
	if err != nil {
		return nil, err
	}
	elseList, err := c.list(b.ElseList)
	if err != nil {
		return nil, err
	}
	return &branchNode{with: with, pipe: p, list: list, elseList: elseList}, nil
}

func (c *Compiler) pipeline(p *parse.PipeNode) (*pipeline, error) {
	if p.IsAssign {
		return nil, errors.New("assignment to a variable is not covered")
	}
	out := &pipeline{}
	for _, v := range p.Decl {
		out.decl = append(out.decl, v.Ident[0])
	}
	for _, cmd := range p.Cmds {
		x, err := c.command(cmd)
		if err != nil {
			return nil, err
		}
		out.cmds = append(out.cmds, x)
	}
	return out, nil
}

// command compiles one command of a pipeline.
func (c *Compiler) command(cmd *parse.CommandNode) (command, error) {
	switch first := cmd.Args[0].(type) {
	case *parse.FieldNode:
		args, err := c.untypedArgs(cmd.Args[1:])
		if err != nil {
			return nil, err
		}
		return &fieldCmd{chain: newChain(first.Ident), args: args}, nil
	case *parse.VariableNode:
		args, err := c.untypedArgs(cmd.Args[1:])
		if err != nil {
			return nil, err
		}
		return &varCmd{name: first.Ident[0], chain: newChain(first.Ident[1:]), args: args}, nil
	case *parse.IdentifierNode:
		return c.call(first.Ident, cmd.Args[1:])
	case *parse.PipeNode:
		if len(cmd.Args) > 1 {
			return nil, errors.New("arguments after a parenthesized pipeline")
		}
		p, err := c.pipeline(first)
		if err != nil {
			return nil, err
		}
		return &pipeCmd{p}, nil
	case *parse.DotNode:
		if len(cmd.Args) > 1 {
			return nil, errors.New("arguments after dot")
		}
		return dotCmd{}, nil
	case *parse.StringNode, *parse.NumberNode, *parse.BoolNode:
		if len(cmd.Args) > 1 {
			return nil, errors.New("arguments after a constant")
		}
		v, err := constant(first)
		if err != nil {
			return nil, err
		}
		return constCmd{v}, nil
	}
	return nil, fmt.Errorf("a command starting with %T is not covered", cmd.Args[0])
}

// untypedArgs compiles the arguments of a builtin or a method call. A
// method's parameter types are not known before the method is: constants
// are converted when it is called.
func (c *Compiler) untypedArgs(nodes []parse.Node) ([]arg, error) {
	var args []arg
	for _, n := range nodes {
		a, err := c.arg(n, nil)
		if err != nil {
			return nil, err
		}
		args = append(args, a)
	}
	return args, nil
}

// arg compiles an argument for a parameter of type typ (nil: any type,
// as builtins take). Constants are converted now.
func (c *Compiler) arg(n parse.Node, typ reflect.Type) (arg, error) {
	switch n := n.(type) {
	case *parse.DotNode:
		return arg{cmd: dotCmd{}}, nil
	case *parse.FieldNode:
		return arg{cmd: &fieldCmd{chain: newChain(n.Ident)}}, nil
	case *parse.VariableNode:
		return arg{cmd: &varCmd{name: n.Ident[0], chain: newChain(n.Ident[1:])}}, nil
	case *parse.PipeNode:
		p, err := c.pipeline(n)
		if err != nil {
			return arg{}, err
		}
		return arg{cmd: &pipeCmd{p}}, nil
	case *parse.IdentifierNode:
		cmd, err := c.call(n.Ident, nil)
		if err != nil {
			return arg{}, err
		}
		return arg{cmd: cmd}, nil
	case *parse.StringNode, *parse.NumberNode, *parse.BoolNode:
		v, err := constant(n)
		if err != nil {
			return arg{}, err
		}
		if typ != nil {
			var ok bool
			if v, ok = convertConst(v, typ); !ok {
				return arg{}, fmt.Errorf("constant %s for a %s parameter", n, typ)
			}
		}
		return arg{isConst: true, val: v}, nil
	}
	return arg{}, fmt.Errorf("%T arguments are not covered", n)
}

// constant is the value text/template gives a constant where any type is
// accepted: a string, a bool, or an int (else a float) for a number.
func constant(n parse.Node) (reflect.Value, error) {
	switch n := n.(type) {
	case *parse.StringNode:
		return reflect.ValueOf(n.Text), nil
	case *parse.BoolNode:
		return reflect.ValueOf(n.True), nil
	case *parse.NumberNode:
		switch {
		case n.IsComplex || strings.ContainsAny(n.Text, "xX'"):
			// Hexadecimal and character constants have rules of their own.
		case n.IsFloat && strings.ContainsAny(n.Text, ".eEpP"):
			return reflect.ValueOf(n.Float64), nil
		case n.IsInt && int64(int(n.Int64)) == n.Int64:
			return reflect.ValueOf(int(n.Int64)), nil
		}
	}
	return reflect.Value{}, fmt.Errorf("constant %s is not covered", n)
}

// convertConst converts a constant for a parameter of type t where the
// constant's kind is the parameter's, as text/template does.
func convertConst(v reflect.Value, t reflect.Type) (reflect.Value, bool) {
	switch {
	case t.Kind() == reflect.Interface:
		return v, true
	case v.Kind() == t.Kind() && v.Type().ConvertibleTo(t):
		return v.Convert(t), true
	}
	return v, false
}

// call compiles a call of a function, a builtin or an escaper.
func (c *Compiler) call(name string, nodes []parse.Node) (command, error) {
	if esc, ok := escapers[name]; ok {
		if len(nodes) > 0 {
			return nil, fmt.Errorf("%s with arguments", name)
		}
		return escapeCmd{esc, name}, nil
	}
	fn, ok := c.funcs[name]
	if b, isBuiltin := builtins[name]; isBuiltin && !ok {
		args, err := c.untypedArgs(nodes)
		if err != nil {
			return nil, err
		}
		return &builtinCmd{name: name, fn: b, args: args}, nil
	}
	if !ok || fn.Kind() != reflect.Func {
		return nil, fmt.Errorf("function %q is not covered", name)
	}
	t := fn.Type()
	if t.NumOut() == 0 || t.NumOut() > 2 || t.NumOut() == 2 && t.Out(1) != errorType {
		return nil, fmt.Errorf("function %q returns %d values", name, t.NumOut())
	}
	fc := &funcCmd{fn: fn, typ: t, direct: c.calls.Direct[name]}
	if fc.direct == nil {
		fc.direct = fastFunc(fn.Interface())
	}
	if t.Out(0) == htmlType {
		fc.write = c.calls.Write[name]
	}
	for i, n := range nodes {
		pt := paramType(t, i)
		if pt == nil {
			return nil, fmt.Errorf("too many arguments to %q", name)
		}
		a, err := c.arg(n, pt)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		fc.args = append(fc.args, a)
	}
	return fc, nil
}

// paramType is the type of the i-th argument of a function of type t, or
// nil past the last.
func paramType(t reflect.Type, i int) reflect.Type {
	n := t.NumIn()
	switch {
	case t.IsVariadic() && i >= n-1:
		return t.In(n - 1).Elem()
	case i < n:
		return t.In(i)
	}
	return nil
}

var errorType = reflect.TypeFor[error]()
