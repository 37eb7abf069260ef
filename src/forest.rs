//! Boosted regression trees scored line by line (the chrome model's `ChromeModel.scores`).
//!
//! Each row's score is the base plus its leaf's value in every tree, summed in tree order; a row's contribution
//! of a feature is the change of the node value at every split on that feature along its path, summed in tree
//! order and then root to leaf.  That is the order in which numpy's per-node updates add them, so the sums are
//! the same bit for bit.

/// One node: a split (`feature` >= 0: `x[feature] <= below` goes to `then`, else to `other`) or a leaf.
#[derive(Clone, Debug)]
pub struct Node {
    pub feature: i64,
    pub below: f64,
    pub then: usize,
    pub other: usize,
    pub value: f64,
}

/// Trees as flat node lists, each tree's root first.
pub struct Forest {
    pub base: f64,
    pub trees: Vec<Vec<Node>>,
    pub features: usize,
}

impl Forest {
    /// Check that every split reads a feature of the rows and every child is a node of its tree.
    pub fn check(&self) -> Result<(), String> {
        for (t, tree) in self.trees.iter().enumerate() {
            if tree.is_empty() {
                return Err(format!("tree {t} has no node"));
            }
            for node in tree {
                if node.feature >= 0
                    && (node.feature as usize >= self.features
                        || node.then >= tree.len()
                        || node.other >= tree.len())
                {
                    return Err(format!(
                        "tree {t} has a split outside the features or nodes"
                    ));
                }
            }
        }
        Ok(())
    }

    /// Scores of the rows of `x` (row-major, `features` columns) into `z`, and with `contrib` (rows x features)
    /// each feature's contribution.  A tree whose splits loop is cut after as many steps as it has nodes.
    pub fn scores(&self, x: &[f64], z: &mut [f64], mut contrib: Option<&mut [f64]>) {
        let m = self.features;
        for (r, zr) in z.iter_mut().enumerate() {
            let row = &x[r * m..(r + 1) * m];
            let mut acc = self.base;
            for tree in &self.trees {
                let mut k = 0;
                let mut steps = 0;
                while tree[k].feature >= 0 && steps < tree.len() {
                    let node = &tree[k];
                    let j = node.feature as usize;
                    let next = if row[j] <= node.below {
                        node.then
                    } else {
                        node.other
                    };
                    if let Some(c) = contrib.as_deref_mut() {
                        c[r * m + j] += tree[next].value - node.value;
                    }
                    k = next;
                    steps += 1;
                }
                acc += tree[k].value;
            }
            *zr = acc;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stump(feature: i64, below: f64, lo: f64, hi: f64) -> Vec<Node> {
        let leaf = |value| Node {
            feature: -1,
            below: 0.0,
            then: 0,
            other: 0,
            value,
        };
        vec![
            Node {
                feature,
                below,
                then: 1,
                other: 2,
                value: 0.0,
            },
            leaf(lo),
            leaf(hi),
        ]
    }

    #[test]
    fn rows_take_their_leaves_and_contributions() {
        let f = Forest {
            base: 0.5,
            trees: vec![stump(0, 1.0, -1.0, 2.0), stump(1, 0.0, 0.25, -0.5)],
            features: 2,
        };
        f.check().unwrap();
        let x = [0.5, 1.0, 3.0, f64::NAN];
        let mut z = [0.0; 2];
        let mut c = [0.0; 4];
        f.scores(&x, &mut z, Some(&mut c));
        assert_eq!(z, [0.5 - 1.0 - 0.5, 0.5 + 2.0 - 0.5]);
        assert_eq!(c, [-1.0, -0.5, 2.0, -0.5]);
    }

    #[test]
    fn a_split_outside_the_features_is_refused() {
        let f = Forest {
            base: 0.0,
            trees: vec![stump(3, 1.0, 0.0, 0.0)],
            features: 2,
        };
        assert!(f.check().is_err());
    }
}
