package bot

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
)

func TestPoolKeepsOrderWithinAKey(t *testing.T) {
	p := newPool(context.Background(), 4, 64)
	var mu sync.Mutex
	got := map[int64][]int{}
	for i := range 40 {
		key := int64(i % 3)
		err := p.submit(context.Background(), job{key: key, run: func(context.Context) {
			mu.Lock()
			defer mu.Unlock()
			got[key] = append(got[key], i)
		}})
		if err != nil {
			t.Fatal(err)
		}
	}
	if !p.close(context.Background()) {
		t.Fatal("not drained")
	}
	p.stop()
	for key, seq := range got {
		if !slices.IsSorted(seq) || len(seq) < 13 {
			t.Errorf("key %d ran %v: want all its jobs in order", key, seq)
		}
	}
}

func TestPoolRunsKeysInParallel(t *testing.T) {
	p := newPool(context.Background(), 2, 8)
	started := make(chan int64, 2)
	release := make(chan struct{})
	for _, key := range []int64{1, 2} {
		if err := p.submit(context.Background(), job{key: key, run: func(context.Context) {
			started <- key
			<-release
		}}); err != nil {
			t.Fatal(err)
		}
	}
	<-started
	<-started // both run at once, or this blocks until the test times out
	close(release)
	p.close(context.Background())
	p.stop()
}

func TestPoolBoundsAndClose(t *testing.T) {
	work, cancelWork := context.WithCancel(context.Background())
	p := newPool(work, 1, 1)
	release := make(chan struct{})
	running := make(chan struct{})
	if err := p.submit(context.Background(), job{key: 1, run: func(ctx context.Context) {
		close(running)
		select {
		case <-release:
		case <-ctx.Done():
		}
	}}); err != nil {
		t.Fatal(err)
	}
	<-running
	full, cancel := context.WithCancel(context.Background())
	cancel()
	if err := p.submit(full, job{key: 2, run: func(context.Context) {}}); !errors.Is(err, context.Canceled) {
		t.Errorf("submit to a full pool = %v, want it to wait until ctx ends", err)
	}
	expired, cancel2 := context.WithCancel(context.Background())
	cancel2()
	if p.close(expired) {
		t.Errorf("close reported drained with a job still running")
	}
	if err := p.submit(context.Background(), job{key: 3, run: func(context.Context) {}}); err == nil {
		t.Errorf("submit after close succeeded")
	}
	cancelWork() // what Run does when the drain time is up
	p.stop()
}
