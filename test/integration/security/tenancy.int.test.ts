import { freshStore } from '../../support/store.ts';
import { defineTenancySuite } from '../../support/tenancy-suite.ts';

// The embedded engine (chdb), or the server named by CLICKHOUSE_URL / testcontainers.
await defineTenancySuite(freshStore);
