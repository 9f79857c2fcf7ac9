# notebook-checks.R - the sanity checks of docs/notebook.md, in R.
#
# Usage: Rscript --vanilla scripts/notebook-checks.R [--sentraj PATH] FILE...
#
# Runs sentraj on each conversation FILE the way docs/notebook.md does
# (system2 with -o to a temporary file), reads the output with read.csv as the
# doc shows (na.strings = "", names, ids and the seed as text) and runs the
# doc's checks: recompute-means (a), all-counts-once (b), ci-contains-mean
# (c), se-vs-formula (d), statuses (e), deterministic (f), resamples and
# one-sided; scripts/notebook-checks describes each and calls this program
# after its pandas checks.  Prints one line per check:
#
#   ok<TAB>FILE/CHECK<TAB>detail        or        not ok<TAB>FILE/CHECK<TAB>detail
#
# (FILE without directory and .gz / .csv; newlines in detail written as \n).
# Exit status 0 when every check passes, 1 on a failure, 2 on a usage error.
# Base R only.

TOL <- 1e-12
# Rows with an interval: ok, and small (fewer than SMALL conversations, the default --small).
INTERVAL <- c("ok", "small")
SMALL <- 30
MIN_HUMAN <- 6
OTHER_SEED <- "7"

args <- commandArgs(trailingOnly = TRUE)
sentraj <- Sys.getenv("SENTRAJ", "build/sentraj")
if (length(args) >= 2 && args[1] == "--sentraj") {
  sentraj <- args[2]
  args <- args[-(1:2)]
}
if (length(args) == 0 || any(startsWith(args, "--"))) {
  cat("usage: Rscript notebook-checks.R [--sentraj PATH] FILE...\n", file = stderr())
  quit(status = 2)
}

# ---- as in docs/notebook.md ------------------------------------------------
run_sentraj <- function(args, out = tempfile(fileext = ".csv")) {
  status <- system2(sentraj, shQuote(c(args, "--quiet", "-o", out)))
  if (status != 0) stop("sentraj ", paste(args, collapse = " "), ": exit status ", status)
  out
}
read_analyze <- function(path)
  read.csv(path, na.strings = "", encoding = "UTF-8",
           colClasses = c(category = "character", seed = "character"))
read_deltas <- function(path)
  read.csv(path, na.strings = "", encoding = "UTF-8",
           colClasses = c(conversation_id = "character", categories = "character"))
read_resamples <- function(path)
  read.csv(path, na.strings = "", encoding = "UTF-8", colClasses = c(category = "character"))
# ---------------------------------------------------------------------------

`%+%` <- function(a, b) paste0(a, b)
all_true <- function(x) length(x) == 0 || (!anyNA(x) && all(x))
show_rows <- function(d, cols) {
  if (nrow(d) == 0) return("(none)")
  paste(capture.output(print(d[, cols, drop = FALSE], row.names = FALSE, digits = 17)), collapse = "\n")
}
raw_bytes <- function(path) readBin(path, "raw", file.size(path))

failures <- 0
report <- function(stem, check, fn) {
  r <- tryCatch(fn(), error = function(e) list(ok = FALSE, detail = paste("error:", conditionMessage(e))))
  if (!isTRUE(r$ok)) failures <<- failures + 1
  cat(if (isTRUE(r$ok)) "ok" else "not ok", "\t", stem, "/", check, "\t",
      gsub("\n", "\\\\n", r$detail), "\n", sep = "")
}
verdict <- function(problems, otherwise)
  list(ok = length(problems) == 0,
       detail = if (length(problems)) paste(problems, collapse = "\n") else otherwise)

stem_of <- function(path) sub("\\.csv$", "", sub("\\.gz$", "", basename(path)))

excess_kurtosis <- function(x) {
  d <- x - mean(x)
  m2 <- mean(d^2)
  if (m2 > 0) mean(d^4) / m2^2 - 3 else 0
}

check_file <- function(data) {
  stem <- stem_of(data)
  first_path <- run_sentraj(c("analyze", data))
  res <- read_analyze(first_path)
  dl <- read_deltas(run_sentraj(c("deltas", data)))

  cats <- strsplit(ifelse(is.na(dl$categories), "", dl$categories), ";", fixed = TRUE)
  long <- data.frame(category = unlist(cats),
                     dl[rep(seq_len(nrow(dl)), lengths(cats)), c("conversation_id", "mean_first", "mean_last", "delta")],
                     row.names = NULL)
  per <- rbind(long, data.frame(category = "all", dl[, c("conversation_id", "mean_first", "mean_last", "delta")]))
  recalc <- do.call(rbind, lapply(split(per, per$category), function(d) data.frame(
    category = d$category[1], conversations_re = nrow(d),
    mean_first_re = mean(d$mean_first), mean_last_re = mean(d$mean_last),
    mean_delta_re = mean(d$delta),
    sd_n = sqrt(mean((d$delta - mean(d$delta))^2)),
    distinct = length(unique(d$delta)),
    kurt = excess_kurtosis(d$delta))))
  m <- merge(res, recalc, by = "category", all.x = TRUE)
  m$conversations_re[is.na(m$conversations_re)] <- 0
  kept <- subset(m, conversations > 0)

  report(stem, "recompute-means", function() {
    p <- character(0)
    if (!all(recalc$category %in% res$category))
      p <- c(p, "categories in the deltas file but not in analyze: " %+%
               paste(setdiff(recalc$category, res$category), collapse = "|"))
    if (!all_true(m$conversations == m$conversations_re))
      p <- c(p, "conversations differ:\n" %+% show_rows(m, c("category", "conversations", "conversations_re")))
    worst <- 0
    for (col in c("mean_first", "mean_last", "mean_delta")) {
      d <- abs(kept[[col]] - kept[[paste0(col, "_re")]])
      worst <- max(worst, d, na.rm = TRUE)
      if (!all_true(d <= TOL))
        p <- c(p, col %+% " differs:\n" %+% show_rows(kept, c("category", col, paste0(col, "_re"))))
    }
    if (!all_true(abs((kept$mean_last - kept$mean_first) - kept$mean_delta) <= TOL))
      p <- c(p, "mean_last - mean_first != mean_delta")
    empty <- subset(m, conversations == 0)
    if (!all_true(c(is.na(empty$mean_first), is.na(empty$mean_last), is.na(empty$mean_delta))))
      p <- c(p, "rows with 0 conversations and a mean:\n" %+% show_rows(empty, c("category", "mean_first", "mean_last", "mean_delta")))
    verdict(p, sprintf("%d rows (%d with 0 conversations); largest |diff| of a mean %.3g", nrow(m), nrow(empty), worst))
  })

  report(stem, "all-counts-once", function() {
    n_all <- res$conversations[res$category == "all"]
    msgs <- read.csv(gzfile(data), na.strings = character(0), colClasses = c(conversation_id = "character"))
    human <- tolower(msgs$role) %in% c("human", "user")
    kept <- sum(table(msgs$conversation_id[human]) >= MIN_HUMAN)
    ids <- length(unique(dl$conversation_id))
    ok <- length(n_all) == 1 && n_all == nrow(dl) && n_all == ids && n_all == kept
    list(ok = ok, detail = sprintf("all.conversations %s, deltas rows %d, distinct ids %d, input conversations with >= %d human messages %d",
                                   paste(n_all, collapse = "|"), nrow(dl), ids, MIN_HUMAN, kept))
  })

  report(stem, "ci-contains-mean", function() {
    ok <- subset(res, status %in% INTERVAL)
    p <- character(0)
    if (!all_true(ok$ci_low <= ok$ci_high))
      p <- c(p, "ci_low > ci_high:\n" %+% show_rows(ok, c("category", "ci_low", "ci_high")))
    pct <- subset(ok, method == "percentile")
    out <- subset(pct, !(ci_low <= mean_delta & mean_delta <= ci_high))
    if (nrow(out))
      p <- c(p, "percentile interval excludes mean_delta (a warning sign, not a proof):\n" %+%
               show_rows(out, c("category", "conversations", "mean_delta", "ci_low", "ci_high")))
    verdict(p, sprintf("%d ok rows, %d percentile", nrow(ok), nrow(pct)))
  })

  exact_path <- tempfile(fileext = ".csv")
  exact <- read_analyze(run_sentraj(c("analyze", "--engine", "exact", "--save-resamples", exact_path, data)))

  report(stem, "se-vs-formula", function() {
    p <- character(0); notes <- character(0)
    mc <- subset(m, status %in% INTERVAL & resamples > 0)
    ratio <- mc$se / (mc$sd_n / sqrt(mc$conversations))
    rel_sd <- sqrt((2 + pmax(mc$kurt, 0) / mc$conversations) / (4 * (mc$resamples - 1)))
    z <- abs(ratio - 1) / rel_sd
    if (length(z)) notes <- c(notes, sprintf("Monte Carlo: largest |se/(s/sqrt n) - 1| = %.2f standard errors (%s)",
                                             max(z), mc$category[which.max(z)]))
    if (!all_true(z <= 4))
      p <- c(p, "se far from s/sqrt(n):\n" %+% show_rows(cbind(mc, ratio = ratio, z = z)[!(z <= 4), ],
                                                          c("category", "conversations", "se", "ratio", "z")))
    ex <- subset(merge(exact, recalc, by = "category"), status %in% INTERVAL)
    rel <- abs(ex$se / (ex$sd_n / sqrt(ex$conversations)) - 1)
    if (length(rel)) notes <- c(notes, sprintf("exact engine: largest relative difference %.3g", max(rel)))
    if (!all_true(rel <= TOL))
      p <- c(p, "exact engine se != s/sqrt(n):\n" %+% show_rows(cbind(ex, rel = rel), c("category", "se", "sd_n", "rel")))
    verdict(p, paste(notes, collapse = "\n"))
  })

  report(stem, "statuses", function() {
    p <- character(0)
    expected <- ifelse(m$conversations < 2, "too_few", ifelse(m$distinct == 1, "degenerate",
                       ifelse(m$conversations < SMALL, "small", "ok")))
    if (!all_true(m$status == expected))
      p <- c(p, "status differs from the deltas:\n" %+%
               show_rows(cbind(m, expected = expected), c("category", "conversations", "distinct", "status", "expected")))
    tf <- subset(m, status == "too_few")
    if (!all_true(c(is.na(tf$ci_low), is.na(tf$ci_high), is.na(tf$se))))
      p <- c(p, "too_few rows with an interval or se:\n" %+% show_rows(tf, c("category", "ci_low", "ci_high", "se")))
    dg <- subset(m, status == "degenerate")
    if (!all_true(c(dg$ci_low == dg$mean_delta, dg$ci_high == dg$mean_delta, dg$se == 0)))
      p <- c(p, "degenerate rows not [mean, mean], se 0:\n" %+% show_rows(dg, c("category", "mean_delta", "ci_low", "ci_high", "se")))
    ok <- subset(m, status %in% INTERVAL)
    if (!all_true(c(is.finite(ok$ci_low), is.finite(ok$ci_high), ok$se > 0)))
      p <- c(p, "ok rows without finite ends or positive se:\n" %+% show_rows(ok, c("category", "ci_low", "ci_high", "se")))
    tab <- table(m$status)
    verdict(p, "statuses " %+% paste(names(tab), tab, collapse = ", "))
  })

  rs1 <- tempfile(fileext = ".csv"); rs3 <- tempfile(fileext = ".csv")
  t1_path <- run_sentraj(c("analyze", "--threads", "1", "--save-resamples", rs1, data))

  report(stem, "deterministic", function() {
    p <- character(0)
    first <- raw_bytes(first_path)
    if (!identical(raw_bytes(run_sentraj(c("analyze", data))), first)) p <- c(p, "second run differs")
    if (!identical(raw_bytes(t1_path), first)) p <- c(p, "--threads 1 differs")
    if (!identical(raw_bytes(run_sentraj(c("analyze", "--threads", "3", "--save-resamples", rs3, data))), first))
      p <- c(p, "--threads 3 differs")
    if (!identical(raw_bytes(rs1), raw_bytes(rs3))) p <- c(p, "--save-resamples differs between --threads 1 and 3")
    other <- read_analyze(run_sentraj(c("analyze", "--seed", OTHER_SEED, data)))
    same <- c("category", "conversations", "mean_first", "mean_last", "mean_delta", "level",
              "method", "engine", "resamples", "status")
    if (!identical(other[same], res[same])) p <- c(p, "--seed " %+% OTHER_SEED %+% " changed more than the interval columns")
    if (!all_true(other$seed == OTHER_SEED)) p <- c(p, "seed column is not " %+% OTHER_SEED)
    okr <- res$status %in% INTERVAL
    cols <- c("ci_low", "ci_high", "se")
    if (any(okr) && identical(other[okr, cols], res[okr, cols]))
      p <- c(p, "--seed " %+% OTHER_SEED %+% " left every ok interval and se unchanged")
    verdict(p, sprintf("%d bytes, identical for 2 runs and --threads 1/3; resamples files identical", length(first)))
  })

  report(stem, "resamples", function() {
    p <- character(0)
    worst <- 0
    ok_cats <- res$category[res$status %in% c(INTERVAL, "degenerate")]  # degenerate: a point mass
    rs <- read_resamples(rs1)
    if (!setequal(unique(rs$category), ok_cats))
      p <- c(p, "resampled categories differ from the ok and degenerate categories")
    for (cat in intersect(unique(rs$category), res$category)) {
      x <- rs$mean[rs$category == cat]
      row <- res[res$category == cat, ]
      lv <- row$level
      got <- c(sd(x), quantile(x, c((1 - lv) / 2, (1 + lv) / 2), type = 7, names = FALSE))
      want <- c(row$se, row$ci_low, row$ci_high)
      worst <- max(worst, abs(got - want))
      if (length(x) != row$resamples || !all_true(abs(got - want) <= TOL))
        p <- c(p, sprintf("%s: %d draws (resamples %d); sd, quantiles %s vs se, ci %s", cat, length(x), row$resamples,
                          paste(format(got, digits = 17), collapse = " "), paste(format(want, digits = 17), collapse = " ")))
    }
    ok_exact <- exact$category[exact$status %in% c(INTERVAL, "degenerate")]
    rx <- read_resamples(exact_path)
    if (!setequal(unique(rx$category), ok_exact))
      p <- c(p, "exact: distribution categories differ from the ok categories")
    for (cat in intersect(unique(rx$category), exact$category)) {
      d <- rx[rx$category == cat, ]
      row <- exact[exact$category == cat, ]
      lv <- row$level
      mu <- sum(d$probability * d$mean)
      s <- sqrt(sum(d$probability * (d$mean - mu)^2))
      cdf <- cumsum(d$probability)
      msgs <- character(0)
      if (abs(cdf[length(cdf)] - 1) > TOL) msgs <- c(msgs, "probabilities do not sum to 1")
      if (!(abs(mu - row$mean_delta) <= TOL && abs(s - row$se) <= TOL))
        msgs <- c(msgs, sprintf("mean %.17g sd %.17g vs mean_delta %.17g se %.17g", mu, s, row$mean_delta, row$se))
      for (end in c("ci_low", "ci_high")) {
        q <- if (end == "ci_low") (1 - lv) / 2 else (1 + lv) / 2
        j <- which(d$mean == row[[end]])
        if (length(j) != 1 || !(cdf[j] >= q - TOL && (j == 1 || cdf[j - 1] < q + TOL)))
          msgs <- c(msgs, sprintf("%s %.17g is not the %g quantile", end, row[[end]], q))
      }
      worst <- max(worst, abs(mu - row$mean_delta), abs(s - row$se))
      if (length(msgs)) p <- c(p, "exact " %+% cat %+% ": " %+% paste(msgs, collapse = "; "))
    }
    verdict(p, sprintf("%d Monte Carlo and %d exact categories; largest |diff| %.3g",
                       length(unique(rs$category)), length(unique(rx$category)), worst))
  })

  report(stem, "one-sided", function() {
    g <- read_analyze(run_sentraj(c("analyze", "--alternative", "greater", data)))
    p <- character(0)
    if (!is.numeric(g$ci_low) || !is.numeric(g$ci_high)) p <- c(p, "ci columns are not numeric")
    has <- subset(g, status != "too_few")
    if (!all_true(has$ci_high == Inf)) p <- c(p, "ci_high is not Inf:\n" %+% show_rows(has, c("category", "ci_high")))
    if (!all_true(c(is.finite(has$ci_low), has$ci_low <= has$mean_delta)))
      p <- c(p, "ci_low not finite or above mean_delta:\n" %+% show_rows(has, c("category", "mean_delta", "ci_low")))
    dg <- subset(g, status == "degenerate")
    if (!all_true(dg$ci_low == dg$mean_delta)) p <- c(p, "degenerate ci_low != mean_delta")
    tf <- subset(g, status == "too_few")
    if (!all_true(c(is.na(tf$ci_low), is.na(tf$ci_high)))) p <- c(p, "too_few rows with an interval")
    verdict(p, sprintf("%d rows with [low, Inf)", nrow(has)))
  })
}

for (data in args) {
  tryCatch(check_file(data), error = function(e) {
    failures <<- failures + 1
    cat("not ok\t", stem_of(data), "/run\t", gsub("\n", "\\\\n", conditionMessage(e)), "\n", sep = "")
  })
}
quit(status = if (failures > 0) 1 else 0)
