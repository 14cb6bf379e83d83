package ui

import (
	"image/color"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
)

// Styles is the wizard's one styles definition.
type Styles struct {
	Header    lipgloss.Style
	StepTitle lipgloss.Style
	Subtitle  lipgloss.Style
	Sandbox   lipgloss.Style
	Label     lipgloss.Style
	Focused   lipgloss.Style
	Muted     lipgloss.Style
	Value     lipgloss.Style
	URL       lipgloss.Style
	Code      lipgloss.Style
	Success   lipgloss.Style
	Error     lipgloss.Style
	ErrorBox  lipgloss.Style
	Notice    lipgloss.Style
	Selected  lipgloss.Style
	Help      lipgloss.Style
	Frame     lipgloss.Style
	Input     textinput.Styles
}

// NewStyles builds the styles; with color false (NO_COLOR, TERM=dumb) every
// style keeps its layout and emphasis but sets no color.
func NewStyles(useColor bool) Styles {
	c := func(hex string) color.Color {
		if !useColor {
			return lipgloss.NoColor{}
		}
		return lipgloss.Color(hex)
	}
	accent, muted, good, bad, warn := c("#7D56F4"), c("#8A8A8A"), c("#3FB950"), c("#F85149"), c("#D29922")
	input := textinput.Styles{
		Focused: textinput.StyleState{
			Prompt:      lipgloss.NewStyle().Bold(true).Foreground(accent),
			Text:        lipgloss.NewStyle(),
			Placeholder: lipgloss.NewStyle().Foreground(muted),
		},
		Blurred: textinput.StyleState{
			Prompt:      lipgloss.NewStyle().Foreground(muted),
			Text:        lipgloss.NewStyle().Foreground(muted),
			Placeholder: lipgloss.NewStyle().Foreground(muted),
		},
		Cursor: textinput.CursorStyle{Shape: tea.CursorBar, Blink: true},
	}
	if useColor {
		input.Cursor.Color = accent
	}
	return Styles{
		Input:     input,
		Header:    lipgloss.NewStyle().Bold(true),
		StepTitle: lipgloss.NewStyle().Bold(true).Foreground(accent),
		Subtitle:  lipgloss.NewStyle().Foreground(muted),
		Sandbox:   lipgloss.NewStyle().Bold(true).Reverse(!useColor).Foreground(c("#1B1B1B")).Background(warn).Padding(0, 1),
		Label:     lipgloss.NewStyle().Bold(true),
		Focused:   lipgloss.NewStyle().Bold(true).Foreground(accent),
		Muted:     lipgloss.NewStyle().Foreground(muted),
		Value:     lipgloss.NewStyle(),
		URL:       lipgloss.NewStyle().Underline(true).Foreground(c("#58A6FF")),
		Code:      lipgloss.NewStyle().Foreground(c("#C9D1D9")),
		Success:   lipgloss.NewStyle().Bold(true).Foreground(good),
		Error:     lipgloss.NewStyle().Bold(true).Foreground(bad),
		ErrorBox:  lipgloss.NewStyle().Border(lipgloss.NormalBorder(), false, false, false, true).BorderForeground(bad).PaddingLeft(1),
		Notice:    lipgloss.NewStyle().Foreground(warn),
		Selected:  lipgloss.NewStyle().Bold(true).Foreground(accent),
		Help:      lipgloss.NewStyle().Foreground(muted),
		Frame:     lipgloss.NewStyle().Padding(0, 1),
	}
}
