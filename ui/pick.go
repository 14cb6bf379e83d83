package ui

import (
	"context"
	"fmt"
	"io"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"hootwire/internal/termsafe"
)

// Choice is one line of a pick: what is returned, and what is shown.
type Choice struct {
	Value, Label string
}

// pickModel is a list to choose one line from, before the wizard starts:
// which of several unfinished setups --resume continues.
type pickModel struct {
	title   string
	choices []Choice
	at      int
	chosen  string
	width   int
	styles  Styles
	keys    pickKeys
}

type pickKeys struct {
	Up, Down, Choose, Cancel key.Binding
}

func newPickKeys() pickKeys {
	return pickKeys{
		Up:     key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:   key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Choose: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "resume it")),
		Cancel: key.NewBinding(key.WithKeys("esc", "q", "ctrl+c"), key.WithHelp("esc", "cancel")),
	}
}

func (m pickModel) Init() tea.Cmd { return nil }

func (m pickModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width = msg.Width
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, m.keys.Up):
			m.at = (m.at - 1 + len(m.choices)) % len(m.choices)
		case key.Matches(msg, m.keys.Down):
			m.at = (m.at + 1) % len(m.choices)
		case key.Matches(msg, m.keys.Choose):
			m.chosen = m.choices[m.at].Value
			return m, tea.Quit
		case key.Matches(msg, m.keys.Cancel):
			return m, tea.Quit
		}
	}
	return m, nil
}

func (m pickModel) View() tea.View {
	st := m.styles
	w := max(20, m.width-2)
	var b strings.Builder
	b.WriteString(prose(st.StepTitle, m.title, w) + "\n\n")
	for i, c := range m.choices {
		lead, style := "  ", st.Value
		if i == m.at {
			lead, style = "› ", st.Selected
		}
		b.WriteString(style.Render(hang(lead, c.Label, w)) + "\n")
	}
	help := []string{}
	for _, k := range []key.Binding{m.keys.Choose, m.keys.Up, m.keys.Down, m.keys.Cancel} {
		help = append(help, st.Label.Render(k.Help().Key)+" "+st.Help.Render(k.Help().Desc))
	}
	b.WriteString("\n" + strings.Join(help, st.Help.Render(" • ")))
	return tea.NewView(lipgloss.NewStyle().Padding(1, 1, 0, 1).Render(b.String()))
}

// Pick shows title and choices on out, reading keys from in, and returns
// the value of the line chosen, or "" when the user cancelled.
func Pick(ctx context.Context, in io.Reader, out io.Writer, color bool, title string, choices []Choice) (string, error) {
	if len(choices) == 0 {
		return "", nil
	}
	safe := make([]Choice, len(choices))
	for i, c := range choices {
		safe[i] = Choice{Value: c.Value, Label: termsafe.Line(c.Label)}
	}
	m := pickModel{title: title, choices: safe, styles: NewStyles(color), keys: newPickKeys(), width: 80}
	final, err := tea.NewProgram(m, tea.WithContext(ctx), tea.WithInput(in), tea.WithOutput(out)).Run()
	if err != nil {
		return "", fmt.Errorf("choose a setup: %w", err)
	}
	return final.(pickModel).chosen, nil
}
