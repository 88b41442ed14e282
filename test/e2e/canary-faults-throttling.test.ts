import { describeCanaryFaults } from './canary-faults.js';

describeCanaryFaults('429 storm');
