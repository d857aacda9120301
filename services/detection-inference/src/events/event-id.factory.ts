// Moved to @argus/messaging (the console publishes with deterministic ids too); kept here so the
// service's own modules import it from where they always did.
export { deterministicEventId } from '@argus/messaging';
