// Package cputime reads the CPU time the process has used. On a shared
// machine it measures a run's own work, where wall-clock time also measures
// the neighbours.
package cputime
