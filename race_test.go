// race_test.go tells tests whether the race detector is on.

//go:build race

package aioweb

// raceEnabled lets heavy tests scale down under the race detector.
const raceEnabled = true
