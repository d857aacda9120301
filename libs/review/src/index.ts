// The review domain: what an operator's decision does to an alert, when two reviews disagree, and
// the audit entry a review leaves. Pure rules; the console's review use cases apply them.
export * from './review-status.transition';
export * from './review-conflict.finder';
export * from './review-audit.entry';
