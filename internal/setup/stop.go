package setup

import (
	"context"
	"errors"
	"fmt"

	"hootwire/api"
	"hootwire/oauthflow"
)

// Exit statuses, the same in every mode.
const (
	ExitOK            = 0   // done
	ExitFailure       = 1   // anything else (a file that cannot be written, say)
	ExitUsage         = 2   // bad usage or input
	ExitAuthorization = 3   // authorization denied or timed out
	ExitAPI           = 4   // the API refused
	ExitNetwork       = 5   // network failure
	ExitNoEvent       = 6   // no event arrived in the time given (--wait-for-event)
	ExitIncomplete    = 7   // hootwire status: a check of the setup failed
	ExitInterrupted   = 130 // interrupted, or quit before the end
)

// ErrBadInput marks an error as the caller's input or usage: exit status 2.
var ErrBadInput = errors.New("bad input")

// ErrNoEvent: no event arrived in the time given: exit status 6.
var ErrNoEvent = errors.New("no event arrived")

// ExitStatus is the exit status for a run that ended with err; ctx is the
// run's, whose end means the user interrupted it.
func ExitStatus(ctx context.Context, err error) int {
	var problems Problems
	var denied *oauthflow.DeniedError
	var apiErr *api.Error
	var decodeErr *api.DecodeError
	switch {
	case err == nil:
		return ExitOK
	case ctx.Err() != nil, errors.Is(err, context.Canceled):
		return ExitInterrupted
	case errors.As(err, &problems), errors.Is(err, ErrBadInput):
		return ExitUsage
	case errors.As(err, &denied), errors.Is(err, oauthflow.ErrTimeout), errors.Is(err, oauthflow.ErrStateMismatch), errors.Is(err, oauthflow.ErrLinkReused):
		return ExitAuthorization
	case errors.Is(err, ErrNoEvent):
		return ExitNoEvent
	case api.IsNetwork(err):
		return ExitNetwork
	case errors.As(err, &apiErr), errors.As(err, &decodeErr), errors.Is(err, ErrNeedsAuthorization), errors.Is(err, ErrNotKept):
		return ExitAPI
	}
	return ExitFailure
}

// StopNote is what to tell a user who stops before the setup is done: what
// is left at the platform and how to go on from there. It is empty when
// nothing remote was changed, or when the setup is done. resume is the
// command that continues a saved setup.
func (p *Procedure) StopNote(resume string) string {
	s := p.Session()
	p.mu.Lock()
	notSaved := p.notSaved
	p.mu.Unlock()
	created := s.Stage >= StageCreated
	switch {
	case s.Stage == StagePatched:
		return ""
	case s.Stage == StageDeleted:
		return fmt.Sprintf("Instance %d was deleted at Open Connectors; nothing of this setup is left there.", s.InstanceID)
	case p.target.IsSandbox() && created:
		return fmt.Sprintf("Instance %d was in the built-in sandbox, which ended with hootwire; nothing was saved.", s.InstanceID)
	case p.target.IsSandbox():
		return ""
	case created && notSaved:
		return fmt.Sprintf("Instance %d exists, but hootwire could not save it: read its token back with GET %s/instances/%d and your User and Organization secrets, then finish the setup by hand.",
			s.InstanceID, p.BaseURL(), s.InstanceID)
	case created && !p.Saves():
		return fmt.Sprintf("Instance %d exists at %s; this run saved nothing to resume it from.", s.InstanceID, p.BaseURL())
	case created:
		return fmt.Sprintf("Instance %d exists; its id and token are saved in %s.\nResume with: %s", s.InstanceID, p.SavedTo(), resume)
	case s.CreateSent && p.Saves():
		return fmt.Sprintf("The instance was being created when hootwire stopped, and got no clear answer: it may exist.\nResume with: %s (it looks for the instance first)", resume)
	case s.CreateSent:
		return fmt.Sprintf("The instance was being created when hootwire stopped, and got no clear answer: it may exist at %s, tagged %s.", p.BaseURL(), s.Tag())
	}
	return ""
}
