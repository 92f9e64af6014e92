# Reference values for kasvu.surveys.estimation from R's survey package.
#
# Usage: Rscript scripts/r/survey_reference.R <items.csv> <spec_dir> <out.csv>
#   items.csv  one row per respondent: area, grade, sex (female/male/NA), weight, stratum, cluster,
#              and one column per item (0/1 for proportions, numbers for means, NA = not answered)
#   spec_dir   holds items_spec.csv (item, statistic), groups.csv (group, area),
#              designs.csv (design, items: "all" or item keys separated by ";")
#   out.csv    design, item, statistic, area, area_kind, grade, sex, estimate, se, lower, upper, df
#
# Run through scripts/regenerate_survey_reference.py, which writes the inputs and turns the
# output into tests/surveys/r_reference.json. Base R + survey only.
suppressPackageStartupMessages(library(survey))

args <- commandArgs(trailingOnly = TRUE)
data <- read.csv(args[1], colClasses = c(area = "character", grade = "character", sex = "character",
                                          stratum = "character", cluster = "character"))
items <- read.csv(file.path(args[2], "items_spec.csv"), stringsAsFactors = FALSE)
groups <- read.csv(file.path(args[2], "groups.csv"), colClasses = "character")
designs <- read.csv(file.path(args[2], "designs.csv"), stringsAsFactors = FALSE)

# svyciprop(method = "logit") fits svyglm(y ~ 1, family = quasibinomial); glm stops iterating at a
# relative deviance change of 1e-8, which leaves the fitted proportion up to ~3e-9 away from the exact
# weighted proportion. For a reference to 1e-9 we let glm converge fully (this changes no formula).
tight <- stats::glm.control
formals(tight)$epsilon <- 1e-14
formals(tight)$maxit <- 100
assignInNamespace("glm.control", tight, ns = "stats")

make_design <- function(name) {
  if (name == "stratified_cluster_certainty" || name == "stratified_cluster_adjust") {
    options(survey.lonely.psu = if (name == "stratified_cluster_certainty") "certainty" else "adjust")
    svydesign(ids = ~cluster, strata = ~stratum, weights = ~weight, nest = TRUE, data = data)
  } else if (name == "srs_weighted") {
    svydesign(ids = ~1, weights = ~weight, data = data)
  } else if (name == "srs_unweighted") {
    suppressWarnings(svydesign(ids = ~1, data = data))  # "assuming equal probability"
  } else stop("unknown design ", name)
}

fmt <- function(x) sprintf("%.17g", x)

# One domain family: `d` already restricted (area group, answered), `by` the by-variables or NULL.
estimate_family <- function(d, item, statistic, by) {
  f <- as.formula(paste0("~", item))
  if (is.null(by)) {
    if (statistic == "proportion") {
      est <- suppressWarnings(svyciprop(f, d, method = "logit"))
      ci <- attr(est, "ci")
      res <- data.frame(estimate = as.numeric(est), se = sqrt(as.numeric(attr(est, "var"))),
                        lower = ci[1], upper = ci[2])
    } else {
      est <- svymean(f, d)
      ci <- confint(est)
      res <- data.frame(estimate = coef(est)[[1]], se = SE(est)[[1]], lower = ci[1, 1], upper = ci[1, 2])
    }
    res$df <- degf(d)
    return(res)
  }
  byf <- as.formula(paste0("~", paste(by, collapse = "+")))
  if (statistic == "proportion") {
    r <- suppressWarnings(svyby(f, byf, d, svyciprop, method = "logit", vartype = c("se", "ci")))
  } else {
    r <- svyby(f, byf, d, svymean, vartype = c("se", "ci"))
  }
  res <- data.frame(r[, by, drop = FALSE], estimate = r[[item]], se = SE(r), lower = r$ci_l, upper = r$ci_u)
  key <- do.call(paste, c(r[, by, drop = FALSE], sep = "\r"))
  vars <- model.frame(d)
  dkey <- do.call(paste, c(vars[, by, drop = FALSE], sep = "\r"))
  res$df <- vapply(key, function(k) degf(d[dkey == k, ]), numeric(1))
  res
}

out <- list()
for (j in seq_len(nrow(designs))) {
  design_name <- designs$design[j]
  des <- make_design(design_name)
  wanted <- if (designs$items[j] == "all") items$item else strsplit(designs$items[j], ";")[[1]]
  for (i in which(items$item %in% wanted)) {
    item <- items$item[i]
    statistic <- items$statistic[i]
    answered <- des[!is.na(des$variables[[item]]), ]
    area_modes <- list(value = NULL, total = NULL)
    for (g in unique(groups$group)) area_modes[[paste0("group:", g)]] <- g
    for (area_mode in names(area_modes)) {
      for (grade_mode in c("value", "total")) {
        for (sex_mode in c("value", "total")) {
          d <- answered
          if (startsWith(area_mode, "group:")) {
            members <- groups$area[groups$group == area_modes[[area_mode]]]
            d <- subset(d, area %in% members)
          }
          if (sex_mode == "value") d <- subset(d, !is.na(sex))
          by <- c(if (area_mode == "value") "area", if (grade_mode == "value") "grade",
                  if (sex_mode == "value") "sex")
          res <- estimate_family(d, item, statistic, by)
          res$area <- if (area_mode == "value") res$area else if (area_mode == "total") "total" else area_modes[[area_mode]]
          res$area_kind <- if (startsWith(area_mode, "group:")) "group" else area_mode
          if (grade_mode == "total") res$grade <- "total"
          if (sex_mode == "total") res$sex <- "total"
          res$design <- design_name
          res$item <- item
          res$statistic <- statistic
          out[[length(out) + 1]] <- res[, c("design", "item", "statistic", "area", "area_kind", "grade",
                                            "sex", "estimate", "se", "lower", "upper", "df")]
        }
      }
    }
  }
}
result <- do.call(rbind, out)
for (col in c("estimate", "se", "lower", "upper")) result[[col]] <- fmt(result[[col]])
write.csv(result, args[3], row.names = FALSE)
cat("survey", as.character(packageVersion("survey")), R.version.string, "\n")
