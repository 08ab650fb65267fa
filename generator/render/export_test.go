package render

import (
	"bytes"
	"errors"

	"pledgesite/generator/tmplexec"
)

// ExecuteBoth applies the template name of a page kind's layouts to data
// with html/template and with the template's compiled program, for tests
// that compare the two. compiled is false when there is no program or it
// fell back to html/template.
func (r *Renderer) ExecuteBoth(kind, name string, data any) (std, prog []byte, compiled bool, err error) {
	if p, ok := data.(*Page); ok {
		p.Site, p.Assets = r.site, r.assets
	}
	l, err := r.theme.layout(kind)
	if err != nil {
		return nil, nil, false, err
	}
	var a, b bytes.Buffer
	if err := l.ExecuteTemplate(&a, name, data); err != nil {
		return nil, nil, false, err
	}
	// The first execution escapes the template and compiles its program.
	if err := r.theme.execute(&b, kind, name, data); err != nil {
		return nil, nil, false, err
	}
	v, _ := r.theme.programs.Load(programKey{kind, name})
	p, _ := v.(*program)
	if p == nil || p.get() == nil {
		return a.Bytes(), nil, false, nil
	}
	b.Reset()
	err = p.get().Execute(&b, data)
	if errors.Is(err, tmplexec.ErrFallback) {
		return a.Bytes(), nil, false, nil
	}
	return a.Bytes(), b.Bytes(), true, err
}
