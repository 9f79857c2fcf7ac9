/* access.c - what a finished data set tells its readers beyond its trajectories: options and category lists. */
#include "data/dataset.h"

size_t sentraj_dataset_min_human(const sentraj_dataset *ds)
{
    return ds->min_human;
}

size_t sentraj_dataset_window(const sentraj_dataset *ds)
{
    return ds->window;
}

const char *sentraj_dataset_trajectory_category(const sentraj_dataset *ds, size_t i, size_t k)
{
    const uint32_t *m;

    if (!ds->finished || i >= ds->nkept)
        return NULL;
    /* A set's members are its names in canonical order, ended by UINT32_MAX. */
    m = ds->set_members[ds->kept[i].set];
    for (size_t j = 0; j < k; j++)
        if (m[j] == UINT32_MAX)
            return NULL;
    return m[k] == UINT32_MAX ? NULL : intern_str(&ds->cats, m[k]);
}
