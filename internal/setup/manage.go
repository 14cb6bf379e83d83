package setup

import (
	"errors"
	"fmt"
)

// Open takes a saved setup to look after it once its run is over (hootwire
// status, hootwire delete): unlike Resume, any stage is accepted, and
// nothing of the setup is continued. The account is still the caller's to
// give (SetAccount).
func (p *Procedure) Open(s Session) error {
	switch {
	case s.ID == "":
		return errors.New("open the saved setup: it has no id")
	case s.BaseURL != p.target.BaseURL:
		return fmt.Errorf("open the saved setup: it is on %s, not %s", s.BaseURL, p.target.BaseURL)
	}
	return p.load(s, "open the saved setup")
}
