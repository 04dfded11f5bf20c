-- wrk script of scripts/bench-serve.sh: a read mix of the three requests a
-- dashboard user makes, in turn on every connection: list the models (API),
-- get a finished run with its result (API), the dashboard page (HTML).
-- Arguments (after --): TOKEN ORG RUN [ONLY], ONLY being models, run or
-- dashboard to send one kind of request.
local token, org, run, only
local paths = {}
local counter = 0

function init(args)
  token, org, run, only = args[1], args[2], args[3], args[4]
  local all = {
    models = "/api/v1/orgs/" .. org .. "/models",
    run = "/api/v1/orgs/" .. org .. "/runs/" .. run,
    dashboard = "/orgs/" .. org,
  }
  if only ~= nil and only ~= "" then
    paths = { all[only] }
  else
    paths = { all.models, all.run, all.dashboard }
  end
  wrk.headers["Authorization"] = "Bearer " .. token
  wrk.headers["Accept-Encoding"] = "gzip"
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end
