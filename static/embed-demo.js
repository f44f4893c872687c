// Fits each embedded playground's iframe to the height it reports (postMessage
// {type: "stepbridge:height", height}). This is all an embedding page needs.
window.addEventListener('message', (event) => {
  const data = event.data;
  if (!data || data.type !== 'stepbridge:height' || typeof data.height !== 'number') return;
  for (const frame of document.querySelectorAll('iframe')) {
    if (frame.contentWindow === event.source) {
      frame.style.height = `${Math.min(Math.max(data.height, 200), 4000)}px`;
      frame.dataset.reportedHeight = String(data.height);
    }
  }
});
