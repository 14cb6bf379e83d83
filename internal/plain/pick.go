package plain

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"hootwire/internal/termsafe"
	"hootwire/ui"
)

// Pick asks, as a numbered question on out, which of choices to take, and
// returns its value, or "" when the user answers nothing.
func Pick(in io.Reader, out io.Writer, title string, choices []ui.Choice) (string, error) {
	fmt.Fprintln(out, termsafe.Text(title))
	for i, c := range choices {
		fmt.Fprintf(out, "  %d. %s\n", i+1, termsafe.Line(c.Label))
	}
	r := bufio.NewReader(in)
	for {
		fmt.Fprintf(out, "Choose 1 to %d, or press Enter to cancel: ", len(choices))
		line, err := r.ReadString('\n')
		v := strings.TrimSpace(line)
		if v == "" {
			if err != nil && err != io.EOF {
				return "", fmt.Errorf("read the answer: %w", err)
			}
			return "", nil
		}
		if n, convErr := strconv.Atoi(v); convErr == nil && n >= 1 && n <= len(choices) {
			return choices[n-1].Value, nil
		}
		fmt.Fprintf(out, "%q is not one of 1 to %d.\n", v, len(choices))
		if err != nil {
			return "", nil
		}
	}
}
