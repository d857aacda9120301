/*
 * Argus local infrastructure: Kafka readiness probe and warm-up.
 *
 * Compiled once by infra/local/infra.sh against the Kafka jars in .infra/kafka/lib
 * and run after the broker logged "Kafka Server started". It
 *   1. sends a metadata request (describeCluster) and checks the broker is listed;
 *   2. initialises a transactional producer, which makes the broker create and load
 *      __transaction_state and hands out a producer id (what an idempotent producer
 *      asks for first);
 *   3. describes a consumer group, which makes the broker create and load
 *      __consumer_offsets.
 * Without 2 and 3 the first producer/consumer of a fresh cluster gets
 * COORDINATOR_LOAD_IN_PROGRESS / COORDINATOR_NOT_AVAILABLE and kafkajs logs errors
 * and restarts the consumer: tests would pay for it with seconds and noisy logs.
 *
 * Usage: java -cp "lib/*:tools" KafkaReady <bootstrap> <timeoutMs>
 * Exit 0 when ready, 1 otherwise.
 */
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

public final class KafkaReady {
    private KafkaReady() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: KafkaReady <bootstrap> <timeoutMs>");
            System.exit(2);
        }
        String bootstrap = args[0];
        int timeoutMs = Integer.parseInt(args[1]);
        long started = System.nanoTime();

        Properties common = new Properties();
        common.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        common.put(AdminClientConfig.CLIENT_ID_CONFIG, "argus-infra-ready");
        common.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
        common.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(timeoutMs, 15000));

        try (Admin admin = Admin.create(common)) {
            DescribeClusterResult cluster = admin.describeCluster();
            int brokers = cluster.nodes().get().size();
            System.out.printf("metadata ok: cluster %s, %d broker(s)%n", cluster.clusterId().get(), brokers);
            if (brokers < 1) {
                System.err.println("no broker registered");
                System.exit(1);
            }

            Properties p = new Properties();
            p.putAll(common);
            p.remove(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG);
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "argus-infra-warmup");
            p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeoutMs);
            p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
                producer.initTransactions();
                System.out.println("transaction coordinator ok (__transaction_state loaded, producer id assigned)");
                producer.close(Duration.ofSeconds(5));
            }

            try {
                admin.describeConsumerGroups(List.of("argus-infra-warmup")).all().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                    throw e;
                }
            }
            System.out.println("group coordinator ok (__consumer_offsets loaded)");
        }
        System.out.printf("kafka ready in %d ms%n", (System.nanoTime() - started) / 1_000_000);
    }
}
