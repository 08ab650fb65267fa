package markdown

// RenderLinkified renders src as Render does, with autolinks whatever the
// text: the output Render must match.
func (r *Renderer) RenderLinkified(src []byte, opt Options) (string, error) {
	html, err := r.convert(r.md, src, opt)
	return string(html), err
}
