/**
 * A clock for retry loops: time moves only when the loop sleeps (each sleep is recorded) or the
 * test says the work took time, so backoffs and deadlines are tested without waiting.
 */
export function fakeClock(start = 1_700_000_000_000) {
  let time = start;
  const sleeps: number[] = [];
  return {
    start,
    sleeps,
    now: () => time,
    advance: (ms: number) => {
      time += ms;
    },
    sleep: async (ms: number) => {
      sleeps.push(ms);
      time += ms;
    },
  };
}
