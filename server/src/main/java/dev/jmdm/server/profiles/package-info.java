/**
 * Configuration profiles on the server side: the versioned store, groups and targets (desired state),
 * per-host state, and the reconciler that queues InstallProfile/RemoveProfile/ProfileList to converge.
 */
package dev.jmdm.server.profiles;
