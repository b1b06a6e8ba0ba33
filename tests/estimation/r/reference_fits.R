# Reference fits of Poisson log-linear models with covariates, with R's glm.
#
# Run from the repository root (R >= 4.2, base packages only):
#     Rscript tests/estimation/r/reference_fits.R
# It reads tests/estimation/data/cov_*.csv and writes tests/estimation/data/r_reference.csv with, for
# every table and model: the log-likelihood, the deviance, every coefficient and its standard error,
# and the fitted count of the unobserved (all-zero) history in every covariate stratum.
# The tests compare vangnet.estimation.covariates with this file; R itself is not needed in CI.

fits <- list(
  list(table = "cov_small", covariates = c("z1", "z2"), models = list(
    c("[]", ""),
    c("[A:B]", "A:B"),
    c("[*:z1, *:z2]", "A:z1 + B:z1 + C:z1 + A:z2 + B:z2 + C:z2"),
    c("[A:B, A:z2, C:z1, z1:z2]", "A:B + A:z2 + C:z1 + z1:z2")
  )),
  list(table = "cov_years", covariates = c("year", "age", "gender"), models = list(
    c("[year:age, year:gender, age:gender]", "year:age + year:gender + age:gender"),
    c("[P:K, P:year, K:year, R:age, year:age, year:gender, age:gender]",
      "P:K + P:year + K:year + R:age + year:age + year:gender + age:gender"),
    c("[*:year, *:age, P:R, year:age]",
      "P:year + K:year + R:year + Z:year + P:age + K:age + R:age + Z:age + P:R + year:age")
  ))
)

rows <- list()
add <- function(table, model, quantity, name, value) {
  rows[[length(rows) + 1]] <<- data.frame(table = table, model = model, quantity = quantity,
                                          name = name, value = sprintf("%.12g", value))
}

for (f in fits) {
  d <- read.csv(file.path("tests/estimation/data", paste0(f$table, ".csv")), colClasses = "character")
  lists <- setdiff(names(d), c(f$covariates, "count"))
  # The complete grid: every history (all-zero included) times every covariate combination.
  hist <- expand.grid(rep(list(0:1), length(lists)))
  names(hist) <- lists
  levs <- lapply(f$covariates, function(cv) {
    v <- unique(d[[cv]])
    num <- suppressWarnings(as.numeric(v))
    if (all(!is.na(num))) v[order(num)] else sort(v)
  })
  names(levs) <- f$covariates
  grid <- merge(hist, expand.grid(levs, stringsAsFactors = FALSE), by = NULL)
  key <- function(x) do.call(paste, c(x[c(lists, f$covariates)], sep = "|"))
  grid$count <- 0
  grid$count[match(key(d), key(grid))] <- as.numeric(d$count)
  for (cv in f$covariates) grid[[cv]] <- factor(grid[[cv]], levels = levs[[cv]])
  for (l in lists) grid[[l]] <- as.numeric(grid[[l]])
  dark <- rowSums(grid[lists]) == 0
  obs <- grid[!dark, ]
  for (m in f$models) {
    rhs <- paste(c(lists, f$covariates), collapse = " + ")
    if (nzchar(m[2])) rhs <- paste(rhs, "+", m[2])
    g <- glm(as.formula(paste("count ~", rhs)), family = poisson, data = obs,
             control = glm.control(epsilon = 1e-14, maxit = 100))
    add(f$table, m[1], "loglik", "", as.numeric(logLik(g)))
    add(f$table, m[1], "deviance", "", deviance(g))
    s <- summary(g)$coefficients
    for (i in seq_len(nrow(s))) {
      add(f$table, m[1], "coef", rownames(s)[i], s[i, 1])
      add(f$table, m[1], "se", rownames(s)[i], s[i, 2])
    }
    mu0 <- predict(g, newdata = grid[dark, ], type = "response")
    strata <- do.call(paste, c(lapply(f$covariates, function(cv) paste0(cv, "=", grid[dark, cv])), sep = ";"))
    for (i in seq_along(mu0)) add(f$table, m[1], "dark", strata[i], mu0[i])
  }
}
write.csv(do.call(rbind, rows), "tests/estimation/data/r_reference.csv", row.names = FALSE)
cat("wrote tests/estimation/data/r_reference.csv\n")
