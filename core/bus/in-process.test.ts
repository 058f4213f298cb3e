import { InProcessBus } from './in-process.ts';
import { defineBusContract } from './testing/bus-contract.ts';

// The in-process bus keeps one partition per topic, so the contract's batches are exact.
defineBusContract('in-process', () => new InProcessBus());
