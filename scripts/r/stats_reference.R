# Reference values for kasvu.stats, computed with R's own functions.
# Run through scripts/regenerate_stats_reference.py, which writes tests/stats/r_reference.json.
# Needs base R, jsonlite and survey (Debian: r-base-core, r-cran-jsonlite, r-cran-survey).
suppressPackageStartupMessages({
  library(jsonlite)
  library(survey)
})

args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args) >= 1) args[[1]] else "tests/stats/r_reference.json"

prop_cases <- list(c(0, 1), c(1, 1), c(0, 10), c(10, 10), c(1, 10), c(3, 7), c(5, 20),
                   c(17, 250), c(499, 1000), c(1, 20000), c(12345, 67890), c(2, 3))
levels <- c(0.95, 0.9, 0.99)

wilson <- list(); cp <- list()
for (cs in prop_cases) for (lv in levels) {
  x <- cs[1]; n <- cs[2]
  ci <- suppressWarnings(prop.test(x, n, conf.level = lv, correct = FALSE)$conf.int)
  wilson[[length(wilson) + 1]] <- list(x = x, n = n, level = lv, lower = ci[1], upper = ci[2])
  ci <- binom.test(x, n, conf.level = lv)$conf.int
  cp[[length(cp) + 1]] <- list(x = x, n = n, level = lv, lower = ci[1], upper = ci[2])
}

pois_cases <- list(c(0, 100), c(1, 100), c(4, 1234), c(25, 5000), c(180, 20000.5), c(3000, 1e6))
pois <- list()
for (cs in pois_cases) for (lv in levels) {
  ci <- poisson.test(cs[1], cs[2], conf.level = lv)$conf.int
  pois[[length(pois) + 1]] <- list(x = cs[1], t = cs[2], level = lv, lower = ci[1], upper = ci[2])
}

two_prop_cases <- list(c(10, 100, 20, 100), c(0, 50, 5, 60), c(3, 9, 40, 400), c(50, 50, 90, 100),
                       c(120, 1000, 1500, 20000), c(7, 31, 7, 31), c(1, 2, 300, 301))
two_prop <- list()
for (cs in two_prop_cases) {
  r <- suppressWarnings(prop.test(c(cs[1], cs[3]), c(cs[2], cs[4]), correct = FALSE))
  two_prop[[length(two_prop) + 1]] <- list(x1 = cs[1], n1 = cs[2], x2 = cs[3], n2 = cs[4],
                                           statistic = unname(r$statistic), p_value = r$p.value)
}

rr_cases <- list(c(10, 1000, 20, 1000), c(0, 500, 12, 3000), c(30, 2000, 300, 40000), c(5, 100, 5, 100),
                 c(7, 300, 2, 900), c(1, 1, 0, 1), c(400, 1e5, 9000, 2.5e6), c(3, 1200, 40, 1500),
                 c(11, 1000, 11, 2000), c(2500, 1e6, 2600, 1e6))
rate_ratio <- list()
for (cs in rr_cases) {
  r <- poisson.test(c(cs[1], cs[3]), c(cs[2], cs[4]))
  rate_ratio[[length(rate_ratio) + 1]] <- list(x1 = cs[1], t1 = cs[2], x2 = cs[3], t2 = cs[4],
                                               estimate = unname(r$estimate), p_value = r$p.value)
}

trend_cases <- list(
  list(x = c(15, 10, 12, 20, 25), n = c(100, 90, 110, 105, 100), score = 2008:2012),
  list(x = c(83, 90, 129, 70), n = c(86, 93, 136, 82), score = 1:4),
  list(x = c(0, 1, 0, 2, 1, 3), n = c(40, 41, 39, 45, 50, 44), score = c(2015, 2017, 2019, 2021, 2023, 2025)),
  list(x = c(500, 480, 470, 430), n = c(10000, 10100, 10200, 10050), score = 2019:2022)
)
trend <- list()
for (cs in trend_cases) {
  r <- suppressWarnings(prop.trend.test(cs$x, cs$n, score = cs$score))
  trend[[length(trend) + 1]] <- c(cs, list(statistic = unname(r$statistic), p_value = r$p.value))
}

rate_trend_cases <- list(
  list(x = c(12, 15, 9, 20, 25), t = c(5000, 5100, 5050, 5200, 5300), score = 2008:2012),
  list(x = c(300, 280, 260, 250), t = c(1e5, 1.01e5, 1.02e5, 1.0e5), score = 2019:2022)
)
rate_trend <- list()
for (cs in rate_trend_cases) {
  d <- data.frame(x = cs$x, t = cs$t, s = cs$score)
  m0 <- glm(x ~ offset(log(t)), family = poisson, data = d, control = glm.control(epsilon = 1e-15, maxit = 100))
  m1 <- glm(x ~ s + offset(log(t)), family = poisson, data = d, control = glm.control(epsilon = 1e-15, maxit = 100))
  a <- anova(m0, m1, test = "Rao")
  rate_trend[[length(rate_trend) + 1]] <- c(cs, list(statistic = a$Rao[2], p_value = a[["Pr(>Chi)"]][2]))
}

bh_cases <- list(
  c(0.01, 0.04, 0.03, 0.005, 0.2, 0.9, 0.04),
  c(0.5),
  c(0.001, NA, 0.02, 0.03, NA, 0.5),
  c(1e-10, 0.049, 0.051, 0.05, 0.05)
)
bh <- list()
for (p in bh_cases) bh[[length(bh) + 1]] <- list(p = p, adjusted = p.adjust(p, "BH"))

# Survey proportions: svyciprop(method = "logit") from estimate, SE and the design's df.
data(api)
dstrat <- svydesign(id = ~1, strata = ~stype, weights = ~pw, data = apistrat, fpc = ~fpc)
dclus1 <- svydesign(id = ~dnum, weights = ~pw, data = apiclus1, fpc = ~fpc)
logit <- list()
for (des in list(dstrat, dclus1)) for (f in list(~I(sch.wide == "Yes"), ~I(awards == "No"), ~I(yr.rnd == "Yes"))) {
  for (lv in c(0.95, 0.9)) {
    ci <- svyciprop(f, des, method = "logit", level = lv)
    se <- SE(svymean(f, des))[2]
    logit[[length(logit) + 1]] <- list(p = as.numeric(coef(ci)), se = as.numeric(se), df = degf(des), level = lv,
                                       lower = as.numeric(confint(ci)[1]), upper = as.numeric(confint(ci)[2]))
  }
}

res <- list(
  generator = "scripts/r/stats_reference.R",
  r_version = R.version.string,
  survey_version = as.character(packageVersion("survey")),
  wilson = wilson, clopper_pearson = cp, poisson = pois, two_proportion = two_prop,
  rate_ratio = rate_ratio, trend = trend, rate_trend = rate_trend, bh = bh, logit = logit
)
writeLines(toJSON(res, auto_unbox = TRUE, digits = NA, na = "null", pretty = TRUE), out)
