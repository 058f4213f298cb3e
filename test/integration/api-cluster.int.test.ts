import { defineApiSuite } from '../support/api-suite.ts';
import { freshClusterStore } from '../support/store.ts';

/**
 * The whole API suite, with its hand-computed numbers, on the cluster layout
 * (CLICKHOUSE_CLUSTER): every table a local one behind a real `Distributed` table, every view
 * on the local tables, the `clickhouse` adapter rendering the migrations for the cluster. The
 * loopback front serves the engine as a cluster of one shard (freshClusterStore); the rendered
 * DDL is compared with the single-node one in store/cluster-ddl.test.ts and the layout checked
 * in cluster-layout.int.test.ts.
 */
defineApiSuite(() => freshClusterStore());
