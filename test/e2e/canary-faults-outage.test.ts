import { describeCanaryFaults } from './canary-faults.js';

describeCanaryFaults('2 s outage');
