package ui

import (
	"testing"

	"hootwire/internal/setup"
)

// BenchmarkView draws each screen at 120x40. The budget is under 1 ms and a
// bounded number of allocations per frame (bench/run checks it).
func BenchmarkView(b *testing.B) {
	eachScreen(b, 120, 40, func(name string, m Model) {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = m.View()
			}
		})
	})
}

// eachScreen walks a sandbox wizard through every step, where no browser
// opens, and calls at with the model as each screen shows.
func eachScreen(tb testing.TB, w, h int, at func(name string, m Model)) {
	e := newTestEnv(tb)
	e.browser.offline = true
	d := newDriver(tb, e, w, h)
	for s := setup.StepTarget; s <= setup.StepRegister; s++ {
		d.walkTo(s)
		at(stepFile(s), d.m)
	}
	walkToTheEnd(d)
	at(stepFile(setup.StepFinish), d.m)
}

// TestViewAllocationsAreBounded keeps a frame's allocations in check; a
// count, unlike a duration, is the same on a busy machine.
func TestViewAllocationsAreBounded(t *testing.T) {
	const budget = 2500
	eachScreen(t, 120, 40, func(name string, m Model) {
		if n := testing.AllocsPerRun(20, func() { _ = m.View() }); n > budget {
			t.Errorf("%s: %.0f allocations per frame, budget %d", name, n, budget)
		}
	})
}
