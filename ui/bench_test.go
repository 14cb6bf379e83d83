package ui

import "testing"

// BenchmarkView draws each screen at 120x40. The budget is under 1 ms and a
// bounded number of allocations per frame (bench/run checks it).
func BenchmarkView(b *testing.B) {
	for _, s := range walkScreens(b, 120, 40) {
		b.Run(s.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = s.m.View()
			}
		})
	}
}

type screen struct {
	name string
	m    Model
}

// walkScreens takes a sandbox wizard through every step and keeps the
// model as each screen shows.
func walkScreens(tb testing.TB, w, h int) []screen {
	e := newTestEnv(tb)
	d := newDriver(tb, New(e.cfg), w, h)
	var out []screen
	keep := func(name string) { out = append(out, screen{name, d.m}) }
	keep("1_target")
	d.press("enter")
	d.until("account", atStep(StepAccount))
	keep("2_account")
	d.press("enter", "enter")
	d.until("app", atStep(StepApp))
	keep("3_app")
	d.press("enter", "enter", "enter")
	d.until("instance", atStep(StepInstance))
	keep("4_instance")
	e.browser.mu.Lock()
	e.browser.offline = true
	e.browser.mu.Unlock()
	d.press("enter", "enter", "enter")
	d.until("authorize", func(m Model) bool { return m.auth.listening && m.auth.browser != "" })
	keep("5_authorize")
	d.press("a")
	d.until("create", atStep(StepCreate))
	keep("6_create")
	d.press("enter")
	d.until("instance", func(m Model) bool { return m.create.instance != nil })
	d.press("enter")
	d.until("register", atStep(StepRegister))
	keep("7_register")
	d.press("enter")
	d.until("finish", func(m Model) bool { return m.finish.ok })
	keep("8_finish")
	return out
}

// TestViewAllocationsAreBounded keeps a frame's allocations in check; a
// count, unlike a duration, is the same on a busy machine.
func TestViewAllocationsAreBounded(t *testing.T) {
	const budget = 1500
	for _, s := range walkScreens(t, 120, 40) {
		if n := testing.AllocsPerRun(20, func() { _ = s.m.View() }); n > budget {
			t.Errorf("%s: %.0f allocations per frame, budget %d", s.name, n, budget)
		}
	}
}
