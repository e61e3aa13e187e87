// Operator console: keeps a running run's progress fresh. An element with data-live-src is replaced by the HTML
// fragment at that URL every data-live-every milliseconds; when the fragment comes back without data-live-src the
// run has finished and the page is loaded again (with Blazor's enhanced navigation when it is there).
(() => {
  const bind = (element) => {
    if (element.dataset.liveBound) return;
    element.dataset.liveBound = "1";
    const every = Number(element.dataset.liveEvery || 2000);
    const tick = async () => {
      if (!element.isConnected) return;
      try {
        const response = await fetch(element.dataset.liveSrc, { credentials: "same-origin", headers: { Accept: "text/html" } });
        if (!response.ok) { setTimeout(tick, every * 2); return; }
        const template = document.createElement("template");
        template.innerHTML = (await response.text()).trim();
        const next = template.content.firstElementChild;
        if (!next) return;
        element.replaceWith(next);
        if (next.dataset.liveSrc) { bind(next); return; }
        const here = location.pathname + location.search;
        if (window.Blazor && window.Blazor.navigateTo) window.Blazor.navigateTo(here); else location.assign(here);
      } catch {
        setTimeout(tick, every * 2);
      }
    };
    setTimeout(tick, every);
  };
  const scan = () => document.querySelectorAll("[data-live-src]").forEach(bind);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", scan); else scan();
  const hook = () => { if (window.Blazor && window.Blazor.addEventListener) window.Blazor.addEventListener("enhancedload", scan); };
  if (window.Blazor) hook(); else window.addEventListener("load", hook);
})();
