package bot

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"planbot/retrieval"
)

var loadFull = flag.Bool("load", false, "run TestLoad at full size: 10,000 questions from 500 users in private chats and 50 groups")

// loadScale is how much faster than the wall clock the bot's clock and the
// fake's run in TestLoad: Telegram's limits (1 message a second per chat, 20 a
// minute per group, 30 a second overall) and every wait the bot makes for them
// pass 50 times faster, so ten minutes of Telegram time take twelve seconds.
// Both sides read the same clock, so what the fake counts is what the bot
// planned.
const loadScale = 50

// loadTolerance is how exactly the fake holds the bot to each limit: a limit
// of n per span is enforced as n per 90 % of the span. Telegram's limits are
// approximate; the tolerance keeps a few milliseconds of scheduling jitter
// (times loadScale) from being counted as the bot's excess.
const loadTolerance = 0.9

// scaledClock is the wall clock sped up by a factor: Now runs k times faster
// and Sleep waits 1/k of the duration.
type scaledClock struct {
	start time.Time // wall time at epoch
	epoch time.Time
	k     float64
}

func newScaledClock(k float64) *scaledClock {
	return &scaledClock{start: time.Now(), epoch: time.Date(2021, 1, 15, 9, 0, 0, 0, time.UTC), k: k}
}

func (c *scaledClock) Now() time.Time {
	return c.epoch.Add(time.Duration(float64(time.Since(c.start)) * c.k))
}

func (c *scaledClock) Sleep(ctx context.Context, d time.Duration) error {
	return realClock{}.Sleep(ctx, time.Duration(float64(d)/c.k))
}

// enforcer is Telegram's limits on sendMessage, installed as the fake's hook:
// a message that would exceed one gets 429 with the retry_after that would let
// it through, and the chat is blocked until then. A request to a blocked chat
// is the bot ignoring retry_after; it is counted (and refused again).
type enforcer struct {
	clock *scaledClock

	mu       sync.Mutex
	global   []time.Time // accepted, the last 30
	chats    map[int64]*chatLog
	refused  int // 429s
	early    int // requests to a chat before its retry_after had passed
	accepted []sent
}

type chatLog struct {
	last    time.Time   // last accepted message
	minute  []time.Time // accepted, the last 20 (groups)
	blocked time.Time   // until retry_after has passed
}

// sent is one message the fake accepted.
type sent struct {
	chat    int64
	replyTo int
	at      time.Time // Telegram time
	wall    time.Time
}

func newEnforcer(c *scaledClock) *enforcer {
	return &enforcer{clock: c, chats: map[int64]*chatLog{}}
}

func (e *enforcer) hook(_ int, form url.Values) (int, string, bool) {
	chat, _ := strconv.ParseInt(form.Get("chat_id"), 10, 64)
	var rp struct {
		MessageID int `json:"message_id"`
	}
	_ = json.Unmarshal([]byte(form.Get("reply_parameters")), &rp)
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.clock.Now()
	c := e.chats[chat]
	if c == nil {
		c = &chatLog{}
		e.chats[chat] = c
	}
	if now.Before(c.blocked) {
		e.early++
		return e.refuse(c, now, c.blocked.Sub(now))
	}
	var wait time.Duration
	need := func(t time.Time, span time.Duration) {
		if free := t.Add(time.Duration(loadTolerance * float64(span))); free.After(now) {
			wait = max(wait, free.Sub(now))
		}
	}
	if !c.last.IsZero() {
		need(c.last, chatInterval)
	}
	if chat < 0 && len(c.minute) == groupPerMinute {
		need(c.minute[0], time.Minute)
	}
	if len(e.global) == globalPerSecond {
		need(e.global[0], time.Second)
	}
	if wait > 0 {
		return e.refuse(c, now, wait)
	}
	c.last = now
	if chat < 0 {
		c.minute = append(c.minute[max(0, len(c.minute)-groupPerMinute+1):], now)
	}
	e.global = append(e.global[max(0, len(e.global)-globalPerSecond+1):], now)
	e.accepted = append(e.accepted, sent{chat: chat, replyTo: rp.MessageID, at: now, wall: time.Now()})
	return 0, "", false // the fake answers as usual
}

// refuse answers 429 asking to wait at least wait, in whole seconds as
// Telegram does, and blocks the chat until then.
func (e *enforcer) refuse(c *chatLog, now time.Time, wait time.Duration) (int, string, bool) {
	e.refused++
	secs := max(1, int(math.Ceil(wait.Seconds())))
	if until := now.Add(time.Duration(secs) * time.Second); until.After(c.blocked) {
		c.blocked = until
	}
	return http.StatusTooManyRequests, tooMany(secs), true
}

func (e *enforcer) snapshot() (accepted []sent, refused, early int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.accepted), e.refused, e.early
}

// question is one question of the load: who asks where, and when.
type loadQuestion struct {
	chat  int64
	user  int64
	id    int // update id and, with chat, the message id
	text  string
	at    time.Duration // after the start, Telegram time
	burst bool          // part of a spike, a rapid-fire series or a hot group
}

// loadPlan is the questions of a run, in order of arrival.
//
// Private chats: each user asks privateEach questions at random times over
// span; every tenth user fires them in bursts of four within two seconds; a
// half of the users ask one of theirs in a two-second spike halfway
// through (250 questions at once in the full run: the overall limit binds). Groups:
// each gets groupEach questions at random times, except every tenth, which
// gets them all within one minute (twice the group limit).
func loadPlan(users, groups, privateEach, groupEach int, span time.Duration, pool []string) []loadQuestion {
	rng := rand.New(rand.NewPCG(1, 2))
	at := func() time.Duration { return time.Duration(rng.Int64N(int64(span))) }
	var qs []loadQuestion
	ask := func(chat, user int64, text string, t time.Duration, burst bool) {
		qs = append(qs, loadQuestion{chat: chat, user: user, text: text, at: t, burst: burst})
	}
	for u := range users {
		user := int64(10_000 + u)
		for i := range privateEach {
			t, burst := at(), false
			switch {
			case u%10 == 0:
				if i%4 != 0 {
					t, burst = qs[len(qs)-1].at+time.Duration(rng.Int64N(int64(500*time.Millisecond))), true
				} else {
					burst = true
				}
			case u%2 == 1 && i == 0:
				t, burst = span/2+time.Duration(rng.Int64N(int64(2*time.Second))), true
			}
			ask(user, user, pool[rng.IntN(len(pool))], t, burst)
		}
	}
	for g := range groups {
		chat := -int64(1_000_000 + g)
		start := at()
		for range groupEach {
			t, hot := at(), g%10 == 0
			if hot {
				t = start + time.Duration(rng.Int64N(int64(time.Minute)))
			}
			text := pool[rng.IntN(len(pool))]
			if rng.IntN(2) == 0 {
				text = "/ask " + text
			} else {
				text = "@PlanBot " + text
			}
			ask(chat, int64(10_000+rng.IntN(users)), text, t, hot)
		}
	}
	slices.SortStableFunc(qs, func(a, b loadQuestion) int { return int(a.at - b.at) })
	for i := range qs {
		qs[i].id = i + 1
	}
	return qs
}

// questionPool is every question of the dev and held-out sets that the bot
// answers in one message (article references send the whole article).
func questionPool(t *testing.T, e *retrieval.Engine) []string {
	var pool []string
	for _, name := range []string{"dev.jsonl", "heldout.jsonl"} {
		data, err := os.ReadFile("../retrieval/testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		for sc.Scan() {
			var q struct{ Q string }
			if err := json.Unmarshal(sc.Bytes(), &q); err != nil {
				t.Fatal(err)
			}
			res, err := e.Search(context.Background(), q.Q, defaultTop+1)
			if err == nil && !res.ArticleRef {
				pool = append(pool, q.Q)
			}
		}
	}
	return pool
}

// countingWriter keeps the first part of a log and counts its lines by level.
type countingWriter struct {
	mu     sync.Mutex
	head   bytes.Buffer
	counts map[string]int
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, l := range []string{"level=WARN", "level=ERROR"} {
		w.counts[l] += bytes.Count(p, []byte(l))
	}
	if w.head.Len() < 64<<10 {
		w.head.Write(p)
	}
	return len(p), nil
}

// TestLoad answers a day's worth of questions compressed into minutes against
// the fake Bot API enforcing Telegram's limits, and checks that every question
// is answered exactly once, in order within each chat, that the bot never
// sends into a chat before the retry_after it was given has passed, and that
// goroutines and heap return to where they were. It logs throughput per
// CPU-second and update-to-answer latency; it asserts nothing about speed.
//
// Default: 460 questions from 50 users and 5 groups (about 2 s). With -load:
// 10,000 from 500 users and 50 groups (about 10 s).
func TestLoad(t *testing.T) {
	users, groups, privateEach, groupEach := 50, 5, 8, 12
	if *loadFull {
		users, groups, privateEach, groupEach = 500, 50, 16, 40
	}
	n := users*privateEach + groups*groupEach
	// On average 20 questions a second overall, 8 a minute in a group, one
	// every 4 s in a private chat: under Telegram's limits, which only the
	// bursts exceed.
	span := max(time.Duration(n)*time.Second/20, time.Duration(groupEach)*7500*time.Millisecond,
		time.Duration(privateEach)*4*time.Second)
	qs := loadPlan(users, groups, privateEach, groupEach, span, questionPool(t, testEngine(t)))
	f := newFakeAPI(t)

	goroutines, heap := runtime.NumGoroutine(), heapAlloc()
	r := runLoad(t, f, qs, span)

	checkLoad(t, qs, r.accepted, r.early)
	lat := latencies(qs, r.pushed, r.accepted)
	t.Logf("%d questions (%d private chats, %d groups) over %v of Telegram time; answered %d in %v wall, %v CPU",
		n, users, groups, span, len(r.accepted), r.wall.Round(time.Millisecond), r.cpu.Round(time.Millisecond))
	t.Logf("throughput: %.0f answers per CPU-second (bot, fake Bot API and HTTP on both sides together)",
		float64(len(r.accepted))/r.cpu.Seconds())
	t.Logf("update→answer, Telegram time: p50 %v, p90 %v, p99 %v, max %v; outside bursts: p50 %v, p99 %v",
		ms(lat.all.q(0.5)), ms(lat.all.q(0.9)), ms(lat.all.q(0.99)), ms(lat.all.q(1)), ms(lat.quiet.q(0.5)), ms(lat.quiet.q(0.99)))
	t.Logf("update→answer, wall time (waits for limits 1/%d as long): p50 %v, p99 %v; outside bursts: p50 %v, p99 %v",
		loadScale, us(lat.wall.q(0.5)), us(lat.wall.q(0.99)), us(lat.wallQuiet.q(0.5)), us(lat.wallQuiet.q(0.99)))
	t.Logf("429s: %d (%.1f%% of sends); sends before retry_after had passed: %d; log: %d warnings, %d errors",
		r.refused, 100*float64(r.refused)/float64(len(r.accepted)+r.refused), r.early, r.warnings, r.errors)
	if r.errors > 0 {
		t.Errorf("errors logged:\n%s", r.logHead)
	}

	// Back to baseline: no goroutine of the bot or of its connections is
	// left, and the heap holds nothing of the run once its records are gone.
	r = loadResult{}
	f.mu.Lock()
	f.calls = nil
	f.mu.Unlock()
	eventually(t, "goroutines back to the baseline", func() bool { return runtime.NumGoroutine() <= goroutines })
	after := heapAlloc()
	t.Logf("goroutines %d → %d; heap %.1f MiB → %.1f MiB", goroutines, runtime.NumGoroutine(), mib(heap), mib(after))
	if after > heap+16<<20 {
		t.Errorf("heap grew from %.1f MiB to %.1f MiB", mib(heap), mib(after))
	}
}

// loadResult is what a run of TestLoad measured.
type loadResult struct {
	accepted         []sent
	pushed           map[int]pushTime
	refused, early   int
	cpu, wall        time.Duration
	warnings, errors int
	logHead          string
}

// runLoad runs a bot against f (Telegram's limits enforced), feeds it qs on
// schedule, waits until each is answered (or a generous deadline passes), stops
// the bot and returns what happened. Nothing of the bot outlives it.
func runLoad(t *testing.T, f *fakeAPI, qs []loadQuestion, span time.Duration) loadResult {
	clock := newScaledClock(loadScale)
	enf := newEnforcer(clock)
	f.on("sendMessage", enf.hook)
	defer f.on("sendMessage", nil)
	logs := &countingWriter{counts: map[string]int{}}
	b, err := New(testEngine(t), slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn})),
		Options{Token: testToken, APIURL: f.srv.URL, FloodLimit: 1 << 30})
	if err != nil {
		t.Fatal(err)
	}
	b.clock = clock
	b.pace = clock // the loop's busy waits and caps run as fast as the rest

	cpu0, wall0 := cpuTime(), time.Now()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	r := loadResult{pushed: drive(f, clock, qs)}
	deadline := time.Now().Add(10*time.Duration(float64(span)/loadScale) + 30*time.Second)
	for {
		r.accepted, r.refused, r.early = enf.snapshot()
		if len(r.accepted) >= len(qs) || time.Now().After(deadline) {
			break
		}
		waitChange(f, deadline)
	}
	r.cpu, r.wall = cpuTime()-cpu0, time.Since(wall0)
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run: %v", err)
	}
	logs.mu.Lock()
	defer logs.mu.Unlock()
	r.warnings, r.errors, r.logHead = logs.counts["level=WARN"], logs.counts["level=ERROR"], logs.head.String()
	return r
}

// pushTime is when a question reached the fake.
type pushTime struct{ at, wall time.Time }

// drive pushes each question to the fake when the clock reaches its time and
// returns when it pushed each.
func drive(f *fakeAPI, clock *scaledClock, qs []loadQuestion) map[int]pushTime {
	pushed := make(map[int]pushTime, len(qs))
	start := clock.Now()
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for i := 0; i < len(qs); {
		now := clock.Now()
		var batch []loadQuestion
		for i < len(qs) && !start.Add(qs[i].at).After(now) {
			batch = append(batch, qs[i])
			i++
		}
		for _, q := range batch {
			var u = private(q.id, q.user, q.text)
			if q.chat < 0 {
				u = group(q.id, q.chat, q.user, q.text)
			}
			u.Message.MessageID = q.id
			f.push(u)
			pushed[q.id] = pushTime{at: now, wall: time.Now()}
		}
		<-tick.C // pacing the load, not waiting for the bot
	}
	return pushed
}

// waitChange waits for the fake's next request, at most 10 ms: the fake
// signals a request before its hook has judged it.
func waitChange(f *fakeAPI, deadline time.Time) {
	f.mu.Lock()
	ch := f.changed
	f.mu.Unlock()
	t := time.NewTimer(min(10*time.Millisecond, time.Until(deadline)))
	defer t.Stop()
	select {
	case <-ch:
	case <-t.C:
	}
}

// checkLoad asserts exactly one answer per question, in order within each
// chat, no send inside a retry_after, and the limits kept by what Telegram
// accepted.
func checkLoad(t *testing.T, qs []loadQuestion, accepted []sent, early int) {
	t.Helper()
	byID := map[int]loadQuestion{}
	for _, q := range qs {
		byID[q.id] = q
	}
	answers := map[int]int{}
	lastInChat := map[int64]int{}
	for _, s := range accepted {
		q, ok := byID[s.replyTo]
		if !ok || q.chat != s.chat {
			t.Errorf("an answer to message %d in chat %d, which asked no such question", s.replyTo, s.chat)
			continue
		}
		answers[s.replyTo]++
		if s.replyTo < lastInChat[s.chat] {
			t.Errorf("chat %d: the answer to %d came after the answer to %d", s.chat, s.replyTo, lastInChat[s.chat])
		}
		lastInChat[s.chat] = s.replyTo
	}
	missing, twice := 0, 0
	for _, q := range qs {
		switch answers[q.id] {
		case 0:
			missing++
		case 1:
		default:
			twice++
		}
	}
	if missing > 0 || twice > 0 {
		t.Errorf("%d questions unanswered, %d answered more than once (of %d)", missing, twice, len(qs))
	}
	if early > 0 {
		t.Errorf("%d sends into a chat before its retry_after had passed", early)
	}
	// What Telegram accepted keeps the limits (the enforcer's own check).
	var global []time.Time
	perChat := map[int64][]time.Time{}
	for _, s := range accepted {
		global = append(global, s.at)
		perChat[s.chat] = append(perChat[s.chat], s.at)
	}
	exceeds := func(ts []time.Time, n int, span time.Duration) bool {
		for i := n; i < len(ts); i++ {
			if ts[i].Sub(ts[i-n]) < time.Duration(loadTolerance*float64(span)) {
				return true
			}
		}
		return false
	}
	if exceeds(global, globalPerSecond, time.Second) {
		t.Error("more than 30 messages accepted within a second")
	}
	for chat, ts := range perChat {
		if exceeds(ts, 1, chatInterval) || chat < 0 && exceeds(ts, groupPerMinute, time.Minute) {
			t.Errorf("chat %d: a limit exceeded", chat)
		}
	}
}

// loadLatencies are update-to-answer times: in Telegram time, where waits for
// the limits have their real length but the bot's own work (and the loopback
// round trips) look loadScale times longer; and in wall time, where the waits
// are loadScale times shorter. Quiet: questions outside the bursts.
type loadLatencies struct{ all, quiet, wall, wallQuiet durations }

type durations []time.Duration

// q is the p-quantile (nearest rank); 0 when empty.
func (d durations) q(p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	i := int(math.Ceil(p*float64(len(d)))) - 1
	return d[max(0, min(i, len(d)-1))]
}

func latencies(qs []loadQuestion, pushed map[int]pushTime, accepted []sent) loadLatencies {
	burst := map[int]bool{}
	for _, q := range qs {
		burst[q.id] = q.burst
	}
	var l loadLatencies
	for _, s := range accepted {
		p := pushed[s.replyTo]
		d, w := s.at.Sub(p.at), s.wall.Sub(p.wall)
		l.all, l.wall = append(l.all, d), append(l.wall, w)
		if !burst[s.replyTo] {
			l.quiet, l.wallQuiet = append(l.quiet, d), append(l.wallQuiet, w)
		}
	}
	for _, d := range []durations{l.all, l.quiet, l.wall, l.wallQuiet} {
		slices.Sort(d)
	}
	return l
}

// cpuTime is the CPU time (user and system) the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		panic(fmt.Sprintf("getrusage: %v", err))
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// heapAlloc is the live heap after a full collection.
func heapAlloc() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }

func ms(d time.Duration) time.Duration { return d.Round(time.Millisecond) }

func us(d time.Duration) time.Duration { return d.Round(10 * time.Microsecond) }
