package api

import (
	"encoding/base64"
	"strconv"
	"strings"
)

// EncodeID is the instance id as Hootsuite's Webhook URL carries it: the
// standard base64 of its decimal digits, padding kept (20931 -> MjA5MzE=).
func EncodeID(id int64) string {
	return base64.StdEncoding.EncodeToString([]byte(strconv.FormatInt(id, 10)))
}

// EventsURL is the platform's Hootsuite events endpoint without an id: the
// placeholder the doc puts in event.notification.callback.url at creation.
func EventsURL(baseURL string) string {
	return strings.TrimRight(baseURL, "/") + "/events/" + ElementKey
}

// WebhookURL is the complete URL to register at Hootsuite for an instance.
func WebhookURL(baseURL string, id int64) string {
	return EventsURL(baseURL) + "/" + EncodeID(id)
}
