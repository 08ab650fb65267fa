package server

import (
	"fmt"
	"testing"
	"time"
)

func TestBatcherMergesBursts(t *testing.T) {
	b := newBatcher(30*time.Millisecond, time.Second)
	// A git checkout: 500 files in a quick burst, some touched twice.
	for i := range 500 {
		b.in <- fmt.Sprintf("pledges/p%03d.yaml", i%400)
	}
	select {
	case batch := <-b.out:
		if len(batch) != 400 {
			t.Errorf("batch has %d paths, want 400 distinct", len(batch))
		}
		if batch[0] != "pledges/p000.yaml" || batch[399] != "pledges/p399.yaml" {
			t.Errorf("batch is not sorted: %s ... %s", batch[0], batch[len(batch)-1])
		}
	case <-time.After(2 * time.Second):
		t.Fatal("no batch delivered")
	}
	select {
	case batch := <-b.out:
		t.Fatalf("a second batch came from one burst: %v", batch)
	case <-time.After(100 * time.Millisecond):
	}
	b.close()
}

func TestBatcherSeparatesPauses(t *testing.T) {
	b := newBatcher(20*time.Millisecond, time.Second)
	b.in <- "content/a.md"
	first := <-b.out
	b.in <- "content/b.md"
	b.in <- "content/b.md"
	second := <-b.out
	if len(first) != 1 || first[0] != "content/a.md" || len(second) != 1 || second[0] != "content/b.md" {
		t.Errorf("batches %v and %v, want [content/a.md] and [content/b.md]", first, second)
	}
	b.close()
	if _, ok := <-b.out; ok {
		t.Error("output not closed after close")
	}
}

func TestBatcherBoundsAStream(t *testing.T) {
	b := newBatcher(50*time.Millisecond, 200*time.Millisecond)
	stop := time.After(700 * time.Millisecond)
	batches := 0
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
loop:
	for {
		select {
		case <-tick.C:
			b.in <- "pledges/x.yaml"
		case <-b.out:
			batches++
		case <-stop:
			break loop
		}
	}
	// An event every 10 ms never leaves 50 ms of quiet, yet batches close
	// at most 200 ms after they open: about three in 700 ms.
	if batches < 2 || batches > 4 {
		t.Errorf("%d batches from a 700 ms stream, want 2 to 4", batches)
	}
	b.close()
}
