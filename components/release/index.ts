/** Releases: which package a channel runs now, and which servers stay up beside the declared one. */
export { lookupChannelPlan, lookupLiveRelease, type ChannelPlan, type LiveReleaseQuery } from "./live-release";
export type { LiveRelease } from "./release-plan";
