// Live figures: Server-Sent Events from /api/progress/stream, one event "progress" per change,
// with the same JSON as GET /api/progress/{region}. EventSource reconnects by itself.
export function watchProgress(region, signal, onProgress, onState) {
  const source = new EventSource(`/api/progress/stream?region=${encodeURIComponent(region)}`);
  source.addEventListener('progress', (event) => onProgress(JSON.parse(event.data)));
  source.addEventListener('open', () => onState?.('live'));
  source.addEventListener('error', () => onState?.(source.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting'));
  signal.addEventListener('abort', () => source.close());
  return source;
}
