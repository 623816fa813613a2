// Development default; web/build.py writes each stage's own config.js into web/dist/<stage>/.
export default Object.freeze({
  apiBase: "http://127.0.0.1:8031",
  stage: "jakarta",
  province: "31",
  provinceName: "DKI Jakarta",
  timezone: "Asia/Jakarta",
  timezoneLabel: "WIB",
  neighbours: [],
});
