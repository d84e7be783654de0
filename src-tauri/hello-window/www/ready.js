// Signals ready the way the Drivly Keys UI does (document.body.dataset.ready = "true"), after
// the first frame has been painted, so the benchmark times both with the same poll.
requestAnimationFrame(() => {
  requestAnimationFrame(() => {
    document.body.dataset.ready = 'true';
  });
});
