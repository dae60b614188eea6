"use strict";
(async () => {
  const params = new URLSearchParams(location.search);
  document.getElementById("next").value = params.get("next") || "";
  document.getElementById("failed").hidden = !params.get("failed");
  const info = await (await fetch("/console/api/login-info")).json();
  document.getElementById("unconfigured").hidden = info.configured;
})();
