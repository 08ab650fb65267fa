package server

import (
	"slices"
	"time"
)

// batcher gathers file events into batches: a batch closes when no event
// has come for quiet, or when it has been open for longest. An editor's
// save-as-rename or a git checkout touching hundreds of files thus makes
// one rebuild, and a steady stream of events cannot hold a rebuild off
// forever.
type batcher struct {
	quiet, longest time.Duration
	in             chan string
	out            chan []string
}

func newBatcher(quiet, longest time.Duration) *batcher {
	b := &batcher{quiet: quiet, longest: longest, in: make(chan string, 1024), out: make(chan []string, 1)}
	go b.run()
	return b
}

func (b *batcher) run() {
	defer close(b.out)
	var (
		pending map[string]bool
		timer   <-chan time.Time
		opened  time.Time
	)
	flush := func() {
		batch := make([]string, 0, len(pending))
		for p := range pending {
			batch = append(batch, p)
		}
		slices.Sort(batch)
		b.out <- batch
		pending, timer = nil, nil
	}
	for {
		select {
		case p, ok := <-b.in:
			if !ok {
				if pending != nil {
					flush()
				}
				return
			}
			if pending == nil {
				pending, opened = map[string]bool{}, time.Now()
			}
			pending[p] = true
			wait := min(b.quiet, b.longest-time.Since(opened))
			timer = time.After(max(wait, 0))
		case <-timer:
			flush()
		}
	}
}

// close ends the batcher; a pending batch is still delivered.
func (b *batcher) close() { close(b.in) }
