import { type SearchCancelRequestedV1, type SearchRequestedV1, type SearchTrainingRequestedV1, Topics } from '@argus/contracts';
import type { MessageBus } from '@argus/messaging';
import type { SearchCommandPublisher } from './searches.use-case';

/** The searches pages' requests on Kafka (the bus checks each against its topic's schema). */
export class BusSearchCommandPublisher implements SearchCommandPublisher {
  constructor(private readonly bus: Pick<MessageBus, 'publish'>) {}

  async requestSearch(event: SearchRequestedV1): Promise<void> {
    await this.bus.publish(Topics.searchRequested, event);
  }

  async cancelSearch(event: SearchCancelRequestedV1): Promise<void> {
    await this.bus.publish(Topics.searchCancelRequested, event);
  }

  async requestTraining(event: SearchTrainingRequestedV1): Promise<void> {
    await this.bus.publish(Topics.searchTrainingRequested, event);
  }
}
