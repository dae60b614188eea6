"use strict";
(async () => {
  const params = new URLSearchParams(location.search);
  document.getElementById("next").value = params.get("next") || "";
  const failed = params.get("failed");
  document.getElementById("failed").hidden = !failed || failed === "unavailable";
  document.getElementById("unavailable").hidden = failed !== "unavailable";
  const info = await (await fetch("/console/api/login-info")).json();
  document.getElementById("unconfigured").hidden = info.configured;
})();
