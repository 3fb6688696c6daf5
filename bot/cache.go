package bot

import (
	"container/list"
	"sync"
	"time"
)

// lru is a bounded map with expiry: at most size entries, each forgotten ttl
// after it was stored, the least recently used going first when full. The bot
// keeps questions for "更多" in one (callback_data holds 64 bytes, not a
// question) and webhook update ids in another (Telegram may deliver twice).
type lru[V any] struct {
	mu    sync.Mutex
	size  int
	ttl   time.Duration
	order *list.List // front: most recently used
	items map[string]*list.Element
}

type lruEntry[V any] struct {
	key     string
	val     V
	expires time.Time
}

func newLRU[V any](size int, ttl time.Duration) *lru[V] {
	return &lru[V]{size: size, ttl: ttl, order: list.New(), items: map[string]*list.Element{}}
}

// put stores val under key as of now.
func (c *lru[V]) put(now time.Time, key string, val V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.store(now, key, val)
}

// get returns the value under key unless it is missing or expired at now.
func (c *lru[V]) get(now time.Time, key string) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lookup(now, key)
}

// add stores key unless it is already there; it reports whether it was new.
func (c *lru[V]) add(now time.Time, key string, val V) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.lookup(now, key); ok {
		return false
	}
	c.store(now, key, val)
	return true
}

func (c *lru[V]) store(now time.Time, key string, val V) {
	if el, ok := c.items[key]; ok {
		e := el.Value.(*lruEntry[V])
		e.val, e.expires = val, now.Add(c.ttl)
		c.order.MoveToFront(el)
		return
	}
	c.items[key] = c.order.PushFront(&lruEntry[V]{key: key, val: val, expires: now.Add(c.ttl)})
	for c.order.Len() > c.size {
		c.remove(c.order.Back())
	}
}

func (c *lru[V]) lookup(now time.Time, key string) (V, bool) {
	var zero V
	el, ok := c.items[key]
	if !ok {
		return zero, false
	}
	e := el.Value.(*lruEntry[V])
	if !now.Before(e.expires) {
		c.remove(el)
		return zero, false
	}
	c.order.MoveToFront(el)
	return e.val, true
}

func (c *lru[V]) remove(el *list.Element) {
	c.order.Remove(el)
	delete(c.items, el.Value.(*lruEntry[V]).key)
}

// del forgets key.
func (c *lru[V]) del(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		c.remove(el)
	}
}
