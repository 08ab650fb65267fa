//go:build race

package record

// raceSlowdown scales the decode deadline under the race detector.
const raceSlowdown = 10
